package model

import "fmt"

// Limits of an experiment file. A real experiment file is a few KB; these
// keep a wrong file (a log, a data set, a generated monster) from taking
// the machine's memory or minutes before it is refused: parsing YAML takes
// about 50 times a file's size in memory.
const (
	// MaxFileSize is the largest experiment file read.
	MaxFileSize = 2 << 20
	// MaxLineLength is the longest line of an experiment file.
	MaxLineLength = 64 << 10
	// MaxValueLength is the longest parameter value.
	MaxValueLength = 16 << 10
)

// ByteSize renders n bytes for a message: "2 MiB", "64 KiB", "10.5 MiB", "300 bytes".
func ByteSize[N int | int64](n N) string {
	v := float64(n)
	switch {
	case v >= 1<<20:
		return trimZero(fmt.Sprintf("%.1f", v/(1<<20))) + " MiB"
	case v >= 1<<10:
		return trimZero(fmt.Sprintf("%.1f", v/(1<<10))) + " KiB"
	}
	return fmt.Sprintf("%d bytes", int64(n))
}

func trimZero(s string) string {
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		return s[:len(s)-2]
	}
	return s
}
