package cpumem

import (
	"math"
	"strconv"
)

const (
	ki = 1024
	mi = 1024 * 1024
)

// FormatCPU renders millicores the way kubectl top does: "250m", "1000m".
func FormatCPU(millicores int64) string {
	return strconv.FormatInt(millicores, 10) + "m"
}

// FormatMemory renders bytes the way kubectl top does, in whole mebibytes
// rounded down ("512Mi", "4096Mi"); amounts under 1Mi are shown in Ki so a
// small limit does not read "0Mi".
func FormatMemory(bytes int64) string {
	if bytes > -mi && bytes < mi && bytes != 0 {
		return strconv.FormatInt(bytes/ki, 10) + "Ki"
	}
	return strconv.FormatInt(bytes/mi, 10) + "Mi"
}

// FormatPercent renders a percentage rounded down, so "100%" means the
// limit is reached: "37%".
func FormatPercent(p float64) string {
	switch {
	case math.IsNaN(p):
		return "-"
	case p >= math.MaxInt32:
		return ">" + strconv.Itoa(math.MaxInt32) + "%"
	case p <= math.MinInt32:
		return "<" + strconv.Itoa(math.MinInt32) + "%"
	}
	return strconv.FormatInt(int64(math.Floor(p)), 10) + "%"
}
