package describe

import (
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/duration"
)

// stamp renders a time as kubectl describe does, with its age.
func stamp(t *time.Time, now time.Time) string {
	if t == nil || t.IsZero() {
		return "<unset>"
	}
	return fmt.Sprintf("%s (%s ago)", t.Format(time.RFC1123Z), duration.HumanDuration(now.Sub(*t)))
}

// shortStamp renders a time in a table cell.
func shortStamp(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// span renders how long from start to end, "-" when either is unknown.
func span(start, end *time.Time) string {
	if start == nil || end == nil || end.Before(*start) {
		return "-"
	}
	return duration.HumanDuration(end.Sub(*start))
}

func age(t, now time.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(now.Sub(t))
}

func resourceList(l corev1.ResourceList) string {
	if len(l) == 0 {
		return "<none>"
	}
	names := make([]string, 0, len(l))
	for n := range l {
		names = append(names, string(n))
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		q := l[corev1.ResourceName(n)]
		parts[i] = n + "=" + q.String()
	}
	return strings.Join(parts, ", ")
}

func limits(m map[string]string) string {
	if len(m) == 0 {
		return "-"
	}
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + "=" + m[n]
	}
	return strings.Join(parts, ", ")
}

func int32OrUnset(p *int32) string {
	if p == nil {
		return "<unset>"
	}
	return fmt.Sprint(*p)
}

func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
