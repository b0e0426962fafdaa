package model

import (
	"math"
	"strconv"
	"strings"
)

// FormatDouble writes f as Python's repr does: the shortest digits that
// read back as f, with ".0" on whole numbers and exponents outside
// [1e-4, 1e16).
func FormatDouble(f float64) string {
	a := math.Abs(f)
	var s string
	if a == 0 || a >= 1e-4 && a < 1e16 {
		s = strconv.FormatFloat(f, 'f', -1, 64)
	} else {
		s = strconv.FormatFloat(f, 'e', -1, 64) // 1e-05, as Python
	}
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}
