package kubefake

import (
	"sort"
	"strconv"
	"strings"

	"k8s.io/client-go/kubernetes/fake"
)

// Calls counts a fake clientset's requests by "verb resource" (e.g. "list
// jobs", "watch pods", "create jobs"), to show that a command makes a
// constant number of reads whatever the number of trials.
func Calls(c *fake.Clientset) map[string]int {
	out := map[string]int{}
	for _, a := range c.Actions() {
		out[a.GetVerb()+" "+a.GetResource().Resource]++
	}
	return out
}

// Reads sums the get, list and watch calls of counts.
func Reads(counts map[string]int) int {
	n := 0
	for k, v := range counts {
		if strings.HasPrefix(k, "get ") || strings.HasPrefix(k, "list ") || strings.HasPrefix(k, "watch ") {
			n += v
		}
	}
	return n
}

// Format renders counts sorted, e.g. "list jobs=2 watch jobs=1".
func Format(counts map[string]int) string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + strconv.Itoa(counts[k])
	}
	return strings.Join(parts, " ")
}
