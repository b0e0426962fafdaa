package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// pageSize is the stride at which a chunk is touched so that every page is
// really backed by memory (fresh large allocations are untouched zero pages).
const pageSize = 4096

// runOOM is the seed's train-oom.py: allocate a chunk, sleep, keep it, with a
// tqdm-like progress line per step, until killed or done.
func runOOM(o *options, stdout, stderr io.Writer) int {
	var keep [][]byte
	start := time.Now()
	chunk := o.oomChunkMB * 1000 * 1000 // bytearray(12000000)
	fmt.Fprintf(stdout, "Training:   0%%|          | 0/%d [00:00<?, ?it/s]\n", o.oomSteps)
	for i := 0; i < o.oomSteps; i++ {
		b := make([]byte, chunk)
		for j := 0; j < len(b); j += pageSize {
			b[j] = 1
		}
		keep = append(keep, b)
		time.Sleep(o.oomInterval)
		fmt.Fprintln(stdout, tqdmLine("Training", i+1, o.oomSteps, time.Since(start)))
	}
	fmt.Fprintf(stderr, "trainer: allocated %d MB and was not killed\n", len(keep)*o.oomChunkMB)
	if f, ok := stdout.(*os.File); ok {
		f.Sync()
	}
	return 0
}

// tqdmLine renders a progress line the way tqdm does:
// "Training:   3%|▎         | 30/1000 [00:02<01:08, 14.21it/s]".
func tqdmLine(desc string, n, total int, elapsed time.Duration) string {
	frac := 0.0
	if total > 0 {
		frac = float64(n) / float64(total)
	}
	const width = 10
	eighths := int(frac * width * 8)
	bar := strings.Repeat("█", eighths/8)
	if r := eighths % 8; r > 0 && eighths/8 < width {
		bar += string([]rune(" ▏▎▍▌▋▊▉")[r])
	}
	bar += strings.Repeat(" ", width-len([]rune(bar)))
	rate := float64(n) / max(elapsed.Seconds(), 1e-9)
	left := time.Duration(float64(total-n) / max(rate, 1e-9) * float64(time.Second))
	return fmt.Sprintf("%s: %3.0f%%|%s| %d/%d [%s<%s, %.2fit/s]", desc, frac*100, bar, n, total, mmss(elapsed), mmss(left), rate)
}

// mmss formats d as tqdm does, MM:SS.
func mmss(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}
