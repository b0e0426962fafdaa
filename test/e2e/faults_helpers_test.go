//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

// Helpers of the fault tests (faults_test.go): commands running in the
// background while a test stops and starts parts of the cluster.

// Bg is a `kubectl mlexp` command running in the background.
type Bg struct {
	args           []string
	cmd            *exec.Cmd
	stdout, stderr kubefake.SyncBuffer
	started        time.Time
	done           chan struct{}
	err            error
	ended          time.Time
}

// StartMlexp starts `kubectl mlexp ARGS -n NS` and returns at once; the
// process is killed when the test ends if it still runs.
func StartMlexp(t testing.TB, ns string, args ...string) *Bg {
	t.Helper()
	full := append(append([]string{"mlexp"}, args...), "-n", ns)
	b := &Bg{args: args, cmd: exec.Command(kubectlBin, full...), done: make(chan struct{})}
	b.cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig)
	b.cmd.Stdout, b.cmd.Stderr = &b.stdout, &b.stderr
	b.started = time.Now()
	if err := b.cmd.Start(); err != nil {
		t.Fatalf("start kubectl mlexp %s: %v", strings.Join(args, " "), err)
	}
	go func() {
		b.err = b.cmd.Wait()
		b.ended = time.Now()
		close(b.done)
	}()
	t.Cleanup(func() {
		if !b.Done() {
			_ = b.cmd.Process.Kill()
			<-b.done
		}
	})
	return b
}

// Done reports whether the command has ended.
func (b *Bg) Done() bool {
	select {
	case <-b.done:
		return true
	default:
		return false
	}
}

// Wait waits for the command to end, at most limit, and fails the test if
// it did not (it is killed then).
func (b *Bg) Wait(t testing.TB, limit time.Duration) Result {
	t.Helper()
	select {
	case <-b.done:
	case <-time.After(limit):
		_ = b.cmd.Process.Kill()
		<-b.done
		t.Fatalf("kubectl mlexp %s did not end within %v; it printed:\n%s", strings.Join(b.args, " "), limit, b.Result())
	}
	return b.Result()
}

// Interrupt sends Ctrl-C.
func (b *Bg) Interrupt() { _ = b.cmd.Process.Signal(syscall.SIGINT) }

// Result is what the command printed so far, and its error once ended.
func (b *Bg) Result() Result {
	r := Result{Stdout: b.stdout.String(), Stderr: b.stderr.String()}
	if b.Done() {
		r.Err = b.err
	}
	return r
}

// Ran returns how long the command ran (so far).
func (b *Bg) Ran() time.Duration {
	if b.Done() {
		return b.ended.Sub(b.started)
	}
	return time.Since(b.started)
}

// StopComponent stops one component of the dev cluster and starts it again
// when the test ends, whatever happened (start waits until it is healthy).
func StopComponent(t testing.TB, name string, kill bool) {
	t.Helper()
	t.Cleanup(func() {
		if r := DevCluster(t, "start", name); r.Err != nil {
			t.Errorf("restore the cluster: devcluster start %s: %s", name, r)
		}
		WaitClusterHealthy(t)
	})
	args := []string{"stop", name}
	if kill {
		args = append(args, "--kill")
	}
	begin := time.Now()
	MustDevCluster(t, args...)
	t.Logf("%s stopped in %v", name, time.Since(begin).Round(100*time.Millisecond))
}

// StartComponent starts a component StopComponent stopped, now.
func StartComponent(t testing.TB, name string) {
	t.Helper()
	begin := time.Now()
	MustDevCluster(t, "start", name)
	t.Logf("%s started and healthy in %v", name, time.Since(begin).Round(100*time.Millisecond))
}

// loopExperiment has n trials, each printing "line 0" to "line LINES-1" five
// times a second on the real node, then ending. Each also writes the number
// of its last line to a file named after its pod in the host directory
// progress, so a test sees the trials go on while the node's kubelet or
// containerd is down.
func loopExperiment(name string, n, lines int, progress string) string {
	var rows []string
	for i := range n {
		rows = append(rows, fmt.Sprintf("      - {i: %d}", i))
	}
	return fmt.Sprintf(`apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata:
  name: %s
spec:
  parameters:
    list:
%s
  template:
    spec:
      backoffLimit: 0
      template:
        spec:
          restartPolicy: Never
          terminationGracePeriodSeconds: 1
          containers:
          - name: ml
            image: %s
            imagePullPolicy: Never
            command: [sh, -c]
            args: ['i=0; while [ $i -lt %d ]; do echo line $i; echo $i > /progress/$HOSTNAME; i=$((i+1)); sleep 0.2; done']
            resources:
              requests: {cpu: 10m, memory: 8Mi}
              limits: {cpu: 200m, memory: 16Mi}
            volumeMounts:
            - {name: progress, mountPath: /progress}
          volumes:
          - name: progress
            hostPath: {path: %s, type: Directory}
`, name, strings.Join(rows, "\n"), ToolboxImage, lines, progress)
}
