//go:build e2e

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// bashComplete drives kubectl's bash completion as a TAB after $LINE does;
// compopt works only under a real TAB (it sets display options).
const bashComplete = `source /usr/share/bash-completion/bash_completion
source <(kubectl completion bash)
compopt() { :; }
read -r -a COMP_WORDS <<< "$LINE"
if [ "${LINE: -1}" = " " ]; then COMP_WORDS+=(""); fi
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE="$LINE"
COMP_POINT=${#LINE}
__start_kubectl kubectl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
`

// zshComplete drives kubectl's zsh completion (the function compdef binds to
// kubectl) as a TAB after $LINE does. _describe and compadd are zsh builtins
// that offer candidates only under a real TAB: their stand-ins print the
// candidates that match the word being completed instead, as zsh would offer
// them (a value without its ":description", "\:" unescaped).
const zshComplete = `autoload -U compinit && compinit -u
source <(kubectl completion zsh)
__offer() {
  local c
  for c; do [[ $c == ${words[CURRENT]}* ]] && print -r -- $c; done
}
_describe() {
  while [[ $1 == -* ]]; do shift; done
  local item v
  local -a out
  for item in "${(@P)2}"; do
    v=${item//\\:/$'\1'}
    out+=("${${v%%:*}//$'\1'/:}")
  done
  __offer $out
  (( ${#out} ))
}
compadd() {
  while [[ $1 == -* ]]; do [[ $1 == -x ]] && shift; shift; done
  __offer "$@"
}
_arguments() { :; }
words=(${(z)LINE})
[[ $LINE == *' ' ]] && words+=('')
CURRENT=${#words}
_kubectl
`

// shells are the shells whose kubectl completion is tested, with the command
// that runs a script without the user's startup files.
var shells = map[string][]string{
	"bash": {"bash", "--norc", "--noprofile", "-c", bashComplete},
	"zsh":  {"zsh", "-f", "-c", zshComplete},
}

// complete runs kubectl's own completion in a real shell, as a TAB after
// line does, with the plugin's completion shim on PATH, and returns the
// candidates.
func complete(t *testing.T, shell, kubeconfigNS, line string) []string {
	t.Helper()
	shimDir := t.TempDir()
	shim, err := os.ReadFile("../../kubectl_complete-mlexp")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(shimDir, "kubectl_complete-mlexp"), shim, 0o755); err != nil {
		t.Fatal(err)
	}
	argv := shells[shell]
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfigNS, "LINE="+line, "PATH="+shimDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s completion of %q: %v\n%s", shell, line, err, stderr.String())
	}
	var got []string
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			got = append(got, l)
		}
	}
	return got
}

// TestShellCompletion completes a command, an experiment name, a trial's
// hash, a parameter's values and an -o format through kubectl's bash and zsh
// completion, kubectl's plugin completion and the kubectl_complete-mlexp
// shim, against the cluster.
func TestShellCompletion(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/usr/share/bash-completion/bash_completion"); err != nil {
		t.Fatalf("kubectl's bash completion needs the bash-completion package (make check installs it): %v", err)
	}
	if _, err := exec.LookPath("zsh"); err != nil {
		t.Fatalf("the zsh completion test needs zsh (make check installs it): %v", err)
	}
	ns := NewNamespace(t, "complete")
	MustMlexp(t, ns, "submit", "-f", WriteFile(t, "gamma.yaml", dialectExperiment("gamma")))
	jobs := jobNames(t, ns, "gamma")
	// A kubeconfig whose context names the test's namespace: what a user
	// with `kubectl config set-context --current --namespace` has.
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	data, err := os.ReadFile(kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kc, data, 0o600); err != nil {
		t.Fatal(err)
	}
	set := exec.Command(kubectlBin, "config", "set-context", "--current", "--namespace", ns, "--kubeconfig", kc)
	if out, err := set.CombinedOutput(); err != nil {
		t.Fatalf("set namespace: %v\n%s", err, out)
	}
	hash := strings.TrimPrefix(jobs[0], "gamma-")
	for _, shell := range []string{"bash", "zsh"} {
		t.Run(shell, func(t *testing.T) {
			if got := complete(t, shell, kc, "kubectl mlexp sta"); !contains(got, "status") {
				t.Errorf("kubectl mlexp sta<TAB> = %v, want status", got)
			}
			if got := complete(t, shell, kc, "kubectl mlexp status "); strings.Join(got, " ") != "gamma" {
				t.Errorf("kubectl mlexp status <TAB> = %v, want [gamma]", got)
			}
			if got := complete(t, shell, kc, "kubectl mlexp results ga"); strings.Join(got, " ") != "gamma" {
				t.Errorf("kubectl mlexp results ga<TAB> = %v, want [gamma]", got)
			}
			if got := complete(t, shell, kc, "kubectl mlexp logs gamma "+hash[:3]); !contains(got, hash) {
				t.Errorf("kubectl mlexp logs gamma %s<TAB> = %v, want the hash %s", hash[:3], got, hash)
			}
			// bash breaks words at '=': its candidates are what follows it;
			// zsh offers the whole word.
			want := "lr=0.001 lr=0.01 lr=0.1"
			if shell == "bash" {
				want = "0.001 0.01 0.1"
			}
			if got := complete(t, shell, kc, "kubectl mlexp logs gamma --param-selector lr="); strings.Join(got, " ") != want {
				t.Errorf("--param-selector lr=<TAB> = %v, want %s", got, want)
			}
			if got := complete(t, shell, kc, "kubectl mlexp status gamma -o custom-col"); !contains(got, "custom-columns=") {
				t.Errorf("-o custom-col<TAB> = %v", got)
			}
		})
	}
}
