package search

import "math"

// Points returns the values of a parameter with finitely many: its Choices,
// the integers (on its step) of an Int, the steps of a stepped Double; nil
// for a continuous Double.
func (p *Param) Points() []any {
	switch p.Type {
	case Categorical, Discrete:
		return p.Choices
	case Double:
		if p.Step <= 0 {
			return nil
		}
	}
	step := p.Step
	if p.Type == Int {
		step = p.IntStep()
	}
	n := int(math.Floor((p.Max-p.Min)/step+1e-9)) + 1
	out := make([]any, n)
	for k := range out {
		out[k] = p.Value(p.Min + float64(k)*step)
	}
	return out
}

// Size returns how many points the space has: the product of every
// parameter's Points, +Inf when one is continuous (or the product passes
// 1e15).
func (s Space) Size() float64 {
	size := 1.0
	for i := range s {
		pts := s[i].Points()
		if pts == nil {
			return math.Inf(1)
		}
		size *= float64(len(pts))
		if size > 1e15 {
			return math.Inf(1)
		}
	}
	return size
}

// walk calls f with every point of a finite space in order (the first
// parameter varies slowest) until f returns false.
func (s Space) walk(f func([]any) bool) {
	pts := make([][]any, len(s))
	for i := range s {
		pts[i] = s[i].Points()
	}
	idx := make([]int, len(s))
	vals := make([]any, len(s))
	for {
		for i := range s {
			vals[i] = pts[i][idx[i]]
		}
		if !f(vals) {
			return
		}
		i := len(s) - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < len(pts[i]) {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return
		}
	}
}
