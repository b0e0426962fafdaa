//go:build e2e

// Package e2e runs the plugin as a user does (`kubectl mlexp ...`) against
// the project's real local cluster (make dev-cluster). Every test works in a
// namespace of its own, deleted afterwards.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// ToolboxImage is the busybox image `make dev-cluster` imports into the node.
const ToolboxImage = "localhost/mlexp/toolbox:dev"

// ToolboxExperiment is an experiment file of small trials on the real node:
// each runs script with sh in the toolbox image (10m/8Mi requested, limits
// 100m/16Mi), once, with a 1 s grace period. params is the flow-style YAML of
// its parameters, e.g. "list: [{i: 1}, {i: 2}]" or "grid: {lr: [0.1, 0.01]}";
// script is single-quoted YAML, so it must not hold a single quote.
func ToolboxExperiment(name, params, script string) string {
	return `apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata:
  name: ` + name + `
spec:
  parameters:
    ` + params + `
` + toolboxTemplate(script)
}

// toolboxTemplate is spec.template of a toolbox experiment running script.
func toolboxTemplate(script string) string {
	return `  template:
    spec:
      backoffLimit: 0
      template:
        spec:
          restartPolicy: Never
          terminationGracePeriodSeconds: 1
          containers:
          - name: ml
            image: ` + ToolboxImage + `
            imagePullPolicy: Never
            command: [sh, -c, '` + script + `']
            resources:
              requests: {cpu: 10m, memory: 8Mi}
              limits: {cpu: 100m, memory: 16Mi}
`
}

var (
	kubeconfig string // admin kubeconfig of the cluster under test
	kubectlBin string // kubectl the tests run; the plugin is found on PATH
	binDir     string // holds kubectl-mlexp
	client     kubernetes.Interface
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	devDir := os.Getenv("MLEXP_DEV_DIR")
	if devDir == "" {
		devDir = "/var/lib/mlexp-dev"
	}
	kubeconfig = os.Getenv("E2E_KUBECONFIG")
	if kubeconfig == "" {
		kubeconfig = filepath.Join(devDir, "kubeconfig")
	}
	if _, err := os.Stat(kubeconfig); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: no cluster: %v (run `make dev-cluster` first)\n", err)
		return 1
	}
	kubectlBin = filepath.Join(devDir, "bin", "kubectl")
	if _, err := os.Stat(kubectlBin); err != nil {
		if kubectlBin, err = exec.LookPath("kubectl"); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: no kubectl in", devDir, "nor on PATH")
			return 1
		}
	}
	var err error
	binDir, err = os.MkdirTemp("", "mlexp-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(binDir)
	build := exec.Command("go", "build", "-o", filepath.Join(binDir, "kubectl-mlexp"), "../../cmd/kubectl-mlexp")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: build plugin:", err)
		return 1
	}
	os.Setenv("PATH", binDir+string(os.PathListSeparator)+filepath.Dir(kubectlBin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	cfg.QPS, cfg.Burst = 50, 100
	client = kubernetes.NewForConfigOrDie(cfg)
	return m.Run()
}

// Result is the outcome of one command.
type Result struct {
	Stdout, Stderr string
	Err            error
}

// String renders the outcome for failure messages.
func (r Result) String() string {
	return fmt.Sprintf("err=%v\nstdout:\n%s\nstderr:\n%s", r.Err, r.Stdout, r.Stderr)
}

// Mlexp runs `kubectl mlexp ARGS -n NS` with the test cluster's kubeconfig.
func Mlexp(t testing.TB, ns string, args ...string) Result {
	t.Helper()
	full := append([]string{"mlexp"}, args...)
	return Kubectl(t, ns, full...)
}

// Kubectl runs `kubectl ARGS -n NS` with the test cluster's kubeconfig.
func Kubectl(t testing.TB, ns string, args ...string) Result {
	t.Helper()
	return runCmd(t, nil, ns, args...)
}

// MlexpStdin runs `kubectl mlexp ARGS -n NS` with stdin.
func MlexpStdin(t testing.TB, stdin, ns string, args ...string) Result {
	t.Helper()
	full := append([]string{"mlexp"}, args...)
	return runCmd(t, strings.NewReader(stdin), ns, full...)
}

// MlexpAs runs `kubectl mlexp ARGS -n NS` with another kubeconfig (another user).
func MlexpAs(t testing.TB, config, ns string, args ...string) Result {
	t.Helper()
	full := append([]string{"mlexp"}, args...)
	return runCmdAs(t, config, nil, ns, full...)
}

func runCmd(t testing.TB, stdin *strings.Reader, ns string, args ...string) Result {
	t.Helper()
	return runCmdAs(t, kubeconfig, stdin, ns, args...)
}

func runCmdAs(t testing.TB, config string, stdin *strings.Reader, ns string, args ...string) Result {
	t.Helper()
	// kubectl refuses flags before a plugin's name: the kubeconfig goes in
	// the environment, the namespace after the arguments.
	full := append([]string{}, args...)
	if ns != "" {
		full = append(full, "-n", ns)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, kubectlBin, full...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+config)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if stdin != nil {
		cmd.Stdin = stdin
	}
	err := cmd.Run()
	return Result{Stdout: out.String(), Stderr: errb.String(), Err: err}
}

// MustMlexp runs `kubectl mlexp` and fails the test when it fails.
func MustMlexp(t testing.TB, ns string, args ...string) Result {
	t.Helper()
	r := Mlexp(t, ns, args...)
	if r.Err != nil {
		t.Fatalf("kubectl mlexp %s: %s", strings.Join(args, " "), r)
	}
	return r
}

// NewNamespace creates a namespace for one test, waits for its default
// ServiceAccount and deletes it when the test ends.
func NewNamespace(t testing.TB, prefix string) string {
	t.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("e2e-%s-%04x", prefix, rand.IntN(1<<16))
	_, err := client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create namespace %s: %v", name, err)
	}
	t.Cleanup(func() {
		if os.Getenv("E2E_KEEP") != "" {
			t.Logf("E2E_KEEP set: namespace %s left behind", name)
			return
		}
		policy := metav1.DeletePropagationBackground
		_ = client.CoreV1().Namespaces().Delete(context.Background(), name, metav1.DeleteOptions{PropagationPolicy: &policy})
	})
	WaitFor(t, time.Minute, "default ServiceAccount in "+name, func() (bool, string) {
		_, err := client.CoreV1().ServiceAccounts(name).Get(ctx, "default", metav1.GetOptions{})
		return err == nil, fmt.Sprint(err)
	})
	return name
}

// WaitFor polls cond every second until it holds or timeout passes; on
// timeout it fails the test with the last thing cond saw.
func WaitFor(t testing.TB, timeout time.Duration, what string, cond func() (ok bool, saw string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var saw string
	for {
		var ok bool
		ok, saw = cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s; last saw:\n%s", timeout, what, saw)
		}
		time.Sleep(time.Second)
	}
}

// WriteFile writes content to a file in the test's temp dir and returns its path.
func WriteFile(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
