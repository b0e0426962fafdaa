package common

import (
	"testing"

	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

func TestHintKeepsTheUsersConnectionFlags(t *testing.T) {
	for name, tc := range map[string]struct {
		g    *kubefake.Getter
		ns   string
		want string
	}{
		"the context's namespace": {&kubefake.Getter{NS: "default"}, "default", "kubectl mlexp status toy -w"},
		"-n given":                {&kubefake.Getter{NS: "ux-toy", NSExplicit: true}, "ux-toy", "kubectl mlexp status toy -w -n ux-toy"},
		"the file's namespace":    {&kubefake.Getter{NS: "default"}, "ux-toy", "kubectl mlexp status toy -w -n ux-toy"},
		"context and kubeconfig": {&kubefake.Getter{NS: "ml", NSExplicit: true, Connection: []string{"--kubeconfig", "/home/me/my clusters/dev", "--context", "kind-dev"}}, "ml",
			"kubectl mlexp status toy -w --kubeconfig '/home/me/my clusters/dev' --context kind-dev -n ml"},
		"no namespace": {&kubefake.Getter{NS: "ml", NSExplicit: true}, "", "kubectl mlexp status toy -w"},
	} {
		t.Run(name, func(t *testing.T) {
			if got := NewHint(tc.g, tc.ns).Command("status", "toy", "-w"); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
	if got := shellQuote("it's"); got != `'it'\''s'` {
		t.Errorf("shellQuote(it's) = %s", got)
	}
}
