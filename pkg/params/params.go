// Package params holds a trial's parameters: an ordered list of name/value
// pairs that keeps the order of the experiment file and round-trips through
// the trial's params annotation as a JSON object.
package params

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Param is one named parameter value. Value is a string, bool, int64 or
// float64, as the experiment file wrote it.
type Param struct {
	Name  string
	Value any
}

// Params is a trial's parameters in the order the experiment file declares them.
type Params []Param

// Get returns the value of the named parameter and whether it is set.
func (p Params) Get(name string) (any, bool) {
	for _, kv := range p {
		if kv.Name == name {
			return kv.Value, true
		}
	}
	return nil, false
}

// Names returns the parameter names in order.
func (p Params) Names() []string {
	out := make([]string, len(p))
	for i, kv := range p {
		out[i] = kv.Name
	}
	return out
}

// String renders the parameters as name=value pairs joined by commas.
func (p Params) String() string {
	parts := make([]string, len(p))
	for i, kv := range p {
		parts[i] = kv.Name + "=" + Format(kv.Value)
	}
	return strings.Join(parts, ",")
}

// Format renders one parameter value as it is substituted into a template.
func Format(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	default:
		return fmt.Sprint(x)
	}
}

// MarshalJSON writes the parameters as one JSON object, keys in order.
func (p Params) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range p {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(kv.Name)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(kv.Value)
		if err != nil {
			return nil, fmt.Errorf("parameter %q: %w", kv.Name, err)
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads a JSON object of scalars, keeping the order of its keys.
func (p *Params) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("params: want a JSON object")
	}
	var out Params
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name, _ := tok.(string)
		tok, err = dec.Token()
		if err != nil {
			return err
		}
		switch v := tok.(type) {
		case json.Number:
			if i, err := v.Int64(); err == nil {
				out = append(out, Param{name, i})
			} else if f, err := v.Float64(); err == nil {
				out = append(out, Param{name, f})
			} else {
				return fmt.Errorf("params: %q: %w", name, err)
			}
		case string, bool, nil:
			out = append(out, Param{name, v})
		default:
			return fmt.Errorf("params: %q: want a scalar value", name)
		}
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	*p = out
	return nil
}

// Decode parses the params annotation of a trial's Job.
func Decode(annotation string) (Params, error) {
	var p Params
	if annotation == "" {
		return nil, nil
	}
	err := json.Unmarshal([]byte(annotation), &p)
	return p, err
}
