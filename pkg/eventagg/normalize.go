package eventagg

import (
	"regexp"
	"strings"
)

var (
	uidRE   = regexp.MustCompile(`\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b`)
	hexRE   = regexp.MustCompile(`\b[0-9a-f]{12,}\b`)
	digitRE = regexp.MustCompile(`[0-9]+`)
	spaceRE = regexp.MustCompile(`\s+`)
)

// Normalizer blanks out of event messages what differs between the events
// of different trials that say the same thing: trial and pod names of the
// experiment, UIDs, container IDs and numbers.
type Normalizer struct {
	names *regexp.Regexp
}

// NewNormalizer returns the normalizer of experiment exp, whose trial names
// are exp, a dash and 8 (rarely 16) hex digits, whose pods add "-SUFFIX"
// (or "-INDEX-SUFFIX") to their trial's name, and whose Kueue Workloads are
// named "job-TRIAL-HASH".
func NewNormalizer(exp string) *Normalizer {
	// A name stands between characters that cannot continue it; upper case
	// counts as continuing, so the N that replaces digits never frees a name.
	return &Normalizer{names: regexp.MustCompile(`(^|[^A-Za-z0-9-])((?:job-)?` + regexp.QuoteMeta(exp) +
		`-[0-9a-f]{8}(?:[0-9a-f]{8})?(?:-[0-9]+)?(?:-[a-z0-9]{5})?)([^A-Za-z0-9-]|$)`)}
}

// Normalize returns msg with names, IDs and numbers replaced by
// placeholders and whitespace collapsed; it is idempotent.
func (n *Normalizer) Normalize(msg string) string {
	// Matches consume the character after a name, so two names one
	// character apart take a second round.
	for n.names.MatchString(msg) {
		msg = n.names.ReplaceAllString(msg, "${1}<name>${3}")
	}
	msg = uidRE.ReplaceAllString(msg, "<uid>")
	msg = hexRE.ReplaceAllString(msg, "<id>")
	msg = digitRE.ReplaceAllString(msg, "N")
	return strings.TrimSpace(spaceRE.ReplaceAllString(msg, " "))
}
