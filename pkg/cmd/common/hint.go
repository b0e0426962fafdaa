package common

import (
	"regexp"
	"strings"

	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// Hint writes the kubectl mlexp commands a command suggests (what to run
// next, where to look) so that they work when pasted: with the connection
// flags the user gave (--kubeconfig, --context, --cluster, --user) and -n
// when the user gave it or the namespace is not the context's (a file's).
type Hint struct{ flags []string }

// NewHint returns the Hint of a command that worked in namespace ns ("" for
// none, e.g. across all namespaces).
func NewHint(g kube.Getter, ns string) Hint {
	flags := append([]string(nil), kube.ConnectionArgs(g)...)
	if ns != "" {
		cur, explicit, err := kube.ExplicitNamespace(g)
		if err != nil || explicit || cur != ns {
			flags = append(flags, "-n", ns)
		}
	}
	return Hint{flags: flags}
}

// Command returns `kubectl mlexp WORDS... FLAGS...`, each word quoted for a
// POSIX shell where it needs it, e.g. "kubectl mlexp status toy -w -n ux-toy".
func (h Hint) Command(words ...string) string {
	parts := append([]string{"kubectl", "mlexp"}, words...)
	parts = append(parts, h.flags...)
	for i, p := range parts {
		parts[i] = shellQuote(p)
	}
	return strings.Join(parts, " ")
}

// plainWord matches what a POSIX shell reads as one word as it is.
var plainWord = regexp.MustCompile(`^[A-Za-z0-9@%+=:,./_-]+$`)

// shellQuote returns s as one word of a POSIX shell: as it is when plain,
// else in single quotes (a quote inside becomes '\”).
func shellQuote(s string) string {
	if plainWord.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
