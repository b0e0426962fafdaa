package report

import (
	"fmt"
	"math"
)

// Colours of the report: trials are shades of blue from worse (light) to
// better (dark); the best trial is orange and drawn on top; failures red.
const (
	colBest    = "#e8590c"
	colNone    = "#adb5bd"
	colBand    = "#dee2e6"
	colFail    = "#c92a2a"
	colAxis    = "#495057"
	colGrid    = "#e9ecef"
	colLimit   = "#c92a2a"
	colMemory  = "#1c7ed6"
	colCPU     = "#0ca678"
	worseColor = "#a5d8ff"
	betterColr = "#0b3d91"
)

// shade returns the colour of goodness g in [0, 1] (1 is the best value),
// between worseColor and betterColr; NaN is grey.
func shade(g float64) string {
	if math.IsNaN(g) {
		return colNone
	}
	g = math.Max(0, math.Min(1, g))
	lo := [3]float64{0xa5, 0xd8, 0xff}
	hi := [3]float64{0x0b, 0x3d, 0x91}
	var c [3]int
	for i := range c {
		c[i] = int(math.Round(lo[i] + (hi[i]-lo[i])*g))
	}
	return fmt.Sprintf("#%02x%02x%02x", c[0], c[1], c[2])
}
