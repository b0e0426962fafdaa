package main

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// f4 formats a metric with 4 decimals, and NaN/Inf as Python prints them.
func f4(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return strconv.FormatFloat(v, 'f', 4, 64)
}

// pyList renders args as Python's print(sys.argv) does.
func pyList(args []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, a := range args {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(pyRepr(a))
	}
	b.WriteByte(']')
	return b.String()
}

// pyRepr quotes s like Python's repr of a str (printable ASCII cases).
func pyRepr(s string) string {
	q := byte('\'')
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == rune(q):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

// jsonNum is a float that marshals NaN and ±Inf (not JSON numbers) as null.
type jsonNum float64

// MarshalJSON implements json.Marshaler.
func (v jsonNum) MarshalJSON() ([]byte, error) {
	f := float64(v)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', -1, 64), nil
}

// terminationMessage is the JSON written to the Kubernetes termination log.
type terminationMessage struct {
	TestLoss     jsonNum `json:"test_loss"`
	TestAccuracy jsonNum `json:"test_accuracy"`
}

// writeTerminationLog writes the final metrics to path if that file already
// exists and is writable (Kubernetes creates /dev/termination-log in every
// container); anywhere else it does nothing. The message is far below the
// 4096-byte limit of a termination message.
func writeTerminationLog(path string, loss, acc float64) {
	if path == "" {
		return
	}
	b, err := json.Marshal(terminationMessage{jsonNum(loss), jsonNum(acc)})
	if err != nil {
		return
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) && !errors.Is(err, os.ErrPermission) && !errors.Is(err, syscall.EROFS) {
			os.Stderr.WriteString("trainer: termination log: " + err.Error() + "\n")
		}
		return
	}
	defer f.Close()
	f.Write(append(b, '\n'))
}
