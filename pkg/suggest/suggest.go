// Package suggest finds the known name a mistyped one was meant to be, for
// the "did you mean" of error messages.
package suggest

import "strings"

// Closest returns the known name closest to s, or "" when none is close.
func Closest(s string, known []string) string {
	best, bestD := "", len(s)/3+2
	for _, k := range known {
		if strings.EqualFold(k, s) {
			return k
		}
		if d := distance(s, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
