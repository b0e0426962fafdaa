package search

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Settings reads an algorithm's settings: each getter takes a name, a
// default and checks, and the first problem is kept for Err. Names not read
// by any getter are refused by Err, which lists the names read.
type Settings struct {
	algorithm string
	values    map[string]string
	known     []string
	err       error
}

// NewSettings starts reading the settings of the named algorithm.
func NewSettings(algorithm string, values map[string]string) *Settings {
	return &Settings{algorithm: algorithm, values: values}
}

func (s *Settings) fail(format string, args ...any) {
	if s.err == nil {
		s.err = fmt.Errorf(format, args...)
	}
}

// Int returns the integer setting name, or def when unset; it must be at
// least min.
func (s *Settings) Int(name string, def, min int) int {
	s.known = append(s.known, name)
	v, ok := s.values[name]
	if !ok {
		return def
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		s.fail("setting %s of %s: %q is not an integer", name, s.algorithm, v)
		return def
	}
	if n < min {
		s.fail("setting %s of %s: %d is below %d", name, s.algorithm, n, min)
		return def
	}
	return n
}

// Float returns the number setting name, or def when unset; it must lie in
// [min, max].
func (s *Settings) Float(name string, def, min, max float64) float64 {
	s.known = append(s.known, name)
	v, ok := s.values[name]
	if !ok {
		return def
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		s.fail("setting %s of %s: %q is not a number", name, s.algorithm, v)
		return def
	}
	if f < min || f > max {
		s.fail("setting %s of %s: %v is outside [%v, %v]", name, s.algorithm, f, min, max)
		return def
	}
	return f
}

// Bool returns the boolean setting name ("true" or "false"), or def.
func (s *Settings) Bool(name string, def bool) bool {
	s.known = append(s.known, name)
	v, ok := s.values[name]
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		s.fail("setting %s of %s: %q is not true or false", name, s.algorithm, v)
		return def
	}
	return b
}

// String returns the setting name, or def; when allowed is not empty the
// value must be one of them.
func (s *Settings) String(name, def string, allowed ...string) string {
	s.known = append(s.known, name)
	v, ok := s.values[name]
	if !ok {
		return def
	}
	if len(allowed) > 0 {
		for _, a := range allowed {
			if v == a {
				return v
			}
		}
		s.fail("setting %s of %s: %q is not one of %s", name, s.algorithm, v, strings.Join(allowed, ", "))
		return def
	}
	return v
}

// Err returns the first problem met, or an error naming a setting that no
// getter read, with the known names.
func (s *Settings) Err() error {
	if s.err != nil {
		return s.err
	}
	var unknown []string
	for name := range s.values {
		found := false
		for _, k := range s.known {
			if k == name {
				found = true
				break
			}
		}
		if !found {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	known := append([]string(nil), s.known...)
	sort.Strings(known)
	if len(known) == 0 {
		return fmt.Errorf("unknown setting %s for algorithm %s: it takes no settings", strings.Join(unknown, ", "), s.algorithm)
	}
	return fmt.Errorf("unknown setting %s for algorithm %s: want %s", strings.Join(unknown, ", "), s.algorithm, strings.Join(known, ", "))
}
