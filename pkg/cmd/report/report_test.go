package report

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	kubefake "k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"
	metricsclientset "k8s.io/metrics/pkg/client/clientset/versioned"
	metricsfake "k8s.io/metrics/pkg/client/clientset/versioned/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	mlexpfake "github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

type getter struct {
	kube    *kubefake.Clientset
	metrics *metricsfake.Clientset
}

func (g getter) Namespace() (string, error)                            { return "ml", nil }
func (g getter) KubernetesClientSet() (kubernetes.Interface, error)    { return g.kube, nil }
func (g getter) MetricsClientSet() (metricsclientset.Interface, error) { return g.metrics, nil }
func (g getter) DynamicClient() (dynamic.Interface, error) {
	return nil, fmt.Errorf("report needs no dynamic client")
}

var created = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

func job(name string, i int, paramsJSON string, done bool, ann map[string]string) *batchv1.Job {
	var ended mlexpfake.Option
	if done {
		ended = mlexpfake.Complete()
	}
	return mlexpfake.Job("ml", "mnist", name, mlexpfake.Created(created), mlexpfake.Index(i), mlexpfake.Params(paramsJSON), mlexpfake.Annotations(ann),
		mlexpfake.Containers(corev1.Container{Name: "ml", Resources: corev1.ResourceRequirements{
			Limits: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse("64Mi")}}}), ended)
}

// pod returns the pod of a trial in phase, its container "ml" running or
// (in any other phase) terminated.
func pod(trialName string, phase corev1.PodPhase) *corev1.Pod {
	p := mlexpfake.Pod("ml", "mnist", trialName, trialName+"-x", mlexpfake.Created(created),
		mlexpfake.Containers(corev1.Container{Name: "ml"}), mlexpfake.Phase(phase, ""))
	if phase != corev1.PodRunning {
		p.Status.ContainerStatuses[0].State = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{}}
	}
	return p
}

const keras = "Epoch 1/2\nloss: 0.5 - accuracy: 0.7\nEpoch 2/2\nloss: 0.3 - accuracy: 0.8\nTest accuracy: 0.%d\n"

func logs(_ context.Context, _, pod, _ string) (io.ReadCloser, error) {
	acc := map[string]int{"mnist-aaaa-x": 91, "mnist-bbbb-x": 97}[pod]
	return io.NopCloser(strings.NewReader(fmt.Sprintf(keras, acc))), nil
}

func newGetter(objs ...runtime.Object) getter {
	var kubeObjs []runtime.Object
	m := metricsfake.NewSimpleClientset()
	for _, o := range objs {
		if pm, ok := o.(*metricsv1beta1.PodMetrics); ok {
			if err := m.Tracker().Create(schema.GroupVersionResource{Group: "metrics.k8s.io", Version: "v1beta1", Resource: "pods"}, pm, pm.Namespace); err != nil {
				panic(err)
			}
			continue
		}
		kubeObjs = append(kubeObjs, o)
	}
	return getter{kube: kubefake.NewClientset(kubeObjs...), metrics: m}
}

// run runs `report mnist ARGS` with the fake log source and a fixed clock.
func run(t *testing.T, ctx context.Context, g getter, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	o := NewOptions(g, genericiooptions.IOStreams{Out: &out, ErrOut: &errOut})
	o.OpenLog = logs
	o.Now = func() time.Time { return created.Add(time.Hour) }
	cmd := &cobra.Command{}
	o.AddFlags(cmd)
	if err := cmd.Flags().Parse(args); err != nil {
		return "", "", err
	}
	err := o.Complete(o.Getter, nil, []string{"mnist"})
	if err == nil {
		err = o.Validate()
	}
	if err == nil {
		err = o.Run(ctx)
	}
	return out.String(), errOut.String(), err
}

func finished() getter {
	return newGetter(job("mnist-aaaa", 0, `{"lr":0.1}`, true, nil), job("mnist-bbbb", 1, `{"lr":0.01}`, true, nil),
		pod("mnist-aaaa", corev1.PodSucceeded), pod("mnist-bbbb", corev1.PodSucceeded))
}

// TestReportFile writes the default file and checks what it holds and
// that nothing was written to the cluster.
func TestReportFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	g := finished()
	out, errOut, err := run(t, context.Background(), g)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	if !strings.HasPrefix(out, "report of mnist (2 trials) written to mnist-report.html (") {
		t.Errorf("stdout = %q", out)
	}
	page, err := os.ReadFile(filepath.Join(dir, "mnist-report.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"best: mnist-bbbb (lr=0.01) test_accuracy=0.97", `class="plot curves"`, "no usage samples recorded (run `kubectl mlexp report mnist --watch --record` while it runs)", "generated 2026-11-29 11:00 UTC"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, a := range g.kube.Actions() {
		if a.GetVerb() != "list" {
			t.Errorf("report made a %s call: %v", a.GetVerb(), a)
		}
	}
	// --output-file - writes the page itself to stdout, nothing else
	out, _, err = run(t, context.Background(), g, "--output-file", "-")
	if err != nil || !strings.HasPrefix(out, "<!DOCTYPE html>") || !strings.HasSuffix(out, "</html>\n") {
		t.Errorf("--output-file -: %v, %.60q", err, out)
	}
}

// TestReportFormats: -o is a format, as in every other verb (html, the
// default, or markdown: the table of results -o markdown), and
// --output-file the file, whose default name follows the format.
func TestReportFormats(t *testing.T) {
	const table = "**mnist**: 2 trials ranked by `test_accuracy` (max is better)\n\n| rank | trial | lr | state | test\\_accuracy ↑ |"
	cases := map[string]struct {
		args       []string
		file, want string // file "" is stdout
	}{
		"html":                 {args: []string{"-o", "html"}, file: "mnist-report.html", want: "<!DOCTYPE html>"},
		"markdown":             {args: []string{"-o", "markdown"}, file: "mnist-report.md", want: table},
		"markdown to a file":   {args: []string{"-o", "markdown", "--output-file", "r.md"}, file: "r.md", want: table},
		"markdown to stdout":   {args: []string{"--output", "markdown", "--output-file", "-"}, want: table},
		"html to a named file": {args: []string{"--output-file", "page.html"}, file: "page.html", want: "<!DOCTYPE html>"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			out, errOut, err := run(t, context.Background(), finished(), tc.args...)
			if err != nil {
				t.Fatalf("%v\n%s", err, errOut)
			}
			got := out
			if tc.file != "" {
				if !strings.HasPrefix(out, "report of mnist (2 trials) written to "+tc.file+" (") {
					t.Errorf("stdout = %q", out)
				}
				b, err := os.ReadFile(tc.file)
				if err != nil {
					t.Fatal(err)
				}
				got = string(b)
			}
			if !strings.HasPrefix(got, tc.want) {
				t.Errorf("%s starts %.120q, want %q", map[bool]string{true: tc.file, false: "stdout"}[tc.file != ""], got, tc.want)
			}
		})
	}
}

func TestReportErrors(t *testing.T) {
	t.Chdir(t.TempDir())
	cases := map[string]struct {
		args []string
		want string
	}{
		"record without watch": {[]string{"--record"}, "--record needs --watch"},
		"bad goal":             {[]string{"--goal", "up"}, "--goal: "},
		"bad interval":         {[]string{"-w", "--interval", "0s"}, "--interval must be positive"},
		"output is a dir":      {[]string{"--output-file", "."}, "--output-file: . is a directory"},
		"unknown format":       {[]string{"-o", "json"}, `--output: unknown format "json" (allowed: html, markdown)`},
		"a file given to -o": {[]string{"-o", "mnist.html"},
			`--output: unknown format "mnist.html" (allowed: html, markdown); to choose the file, use --output-file mnist.html`},
		"stdout given to -o": {[]string{"-o", "-"}, `--output: unknown format "-" (allowed: html, markdown); to choose the file, use --output-file -`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, _, err := run(t, context.Background(), finished(), tc.args...)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error = %v, want %q", err, tc.want)
			}
		})
	}
	_, _, err := run(t, context.Background(), newGetter())
	if err == nil || !strings.Contains(err.Error(), `experiment "mnist" not found`) {
		t.Errorf("missing experiment: %v", err)
	}
}

// TestReportWatchRecords samples a running trial until interrupted, writes
// the report with its peak, and records the peak on the Job once.
func TestReportWatchRecords(t *testing.T) {
	t.Chdir(t.TempDir())
	running := pod("mnist-aaaa", corev1.PodRunning)
	pm := &metricsv1beta1.PodMetrics{ObjectMeta: metav1.ObjectMeta{Name: running.Name, Namespace: "ml", Labels: running.Labels},
		Containers: []metricsv1beta1.ContainerMetrics{{Name: "ml", Usage: corev1.ResourceList{
			corev1.ResourceCPU: resource.MustParse("900m"), corev1.ResourceMemory: resource.MustParse("48Mi")}}}}
	g := newGetter(job("mnist-aaaa", 0, `{"lr":0.1}`, false, nil), job("mnist-bbbb", 1, `{"lr":0.01}`, true, nil),
		running, pod("mnist-bbbb", corev1.PodSucceeded), pm)
	ctx, cancel := context.WithCancel(context.Background())
	sampled := make(chan struct{}, 8)
	g.metrics.PrependReactor("list", "pods", func(k8stesting.Action) (bool, runtime.Object, error) {
		sampled <- struct{}{}
		return false, nil, nil
	})
	go func() { <-sampled; <-sampled; cancel() }() // Ctrl-C after two samples
	_, errOut, err := run(t, ctx, g, "--watch", "--record", "--interval", "10ms")
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut)
	}
	var patches []string
	for _, a := range g.kube.Actions() {
		if p, ok := a.(k8stesting.PatchAction); ok {
			patches = append(patches, p.GetName()+": "+string(p.GetPatch()))
		}
	}
	// The finished trial's metrics, read for the curves, are recorded too:
	// a later results reads no log again.
	wantRecord := `mnist-bbbb: {"metadata":{"annotations":{"mlexp.dev/results":`
	want := `mnist-aaaa: {"metadata":{"annotations":{"mlexp.dev/peak-usage":"{\"cpuMillicores\":900,\"memoryBytes\":50331648,\"samples\":1}"}}}`
	if len(patches) != 2 || patches[0] != want || !strings.HasPrefix(patches[1], wantRecord) || !strings.Contains(patches[1], `"test_accuracy\":0.97`) {
		t.Errorf("patches:\n%s\nwant the peak:\n%s\nand the record of mnist-bbbb (%s...)", strings.Join(patches, "\n"), want, wantRecord)
	}
	page, err := os.ReadFile("mnist-report.html")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "48Mi / 64Mi (75%)") || !strings.Contains(string(page), "900m / 1000m (90%)") {
		t.Errorf("report lacks the sampled peak against the limits")
	}
	if !strings.Contains(errOut, "interrupted: writing the report of what was seen") {
		t.Errorf("stderr: %s", errOut)
	}
}

// TestReportLogScaleFromSearch: an adaptive search's Jobs carry its
// experiment; a parameter it samples log-uniformly gets a log axis even
// when the values span less than a decade, where the report's guess from
// the values alone is a linear one.
func TestReportLogScaleFromSearch(t *testing.T) {
	const file = `apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata: {name: mnist}
spec:
  search:
    algorithm: random
    maxTrials: 4
    params:
      lr: {logUniform: [0.0001, 0.1]}
      dropout: {uniform: [0.1, 0.5]}
  template:
    spec:
      template:
        spec:
          containers: [{name: ml, image: trainer, args: ["${lr}", "${dropout}"]}]
          restartPolicy: Never
  results: {metric: test_accuracy, goal: max}
`
	exp, err := experiment.Parse("mnist.yaml", []byte(file), experiment.Options{})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := experiment.EncodeStored(exp)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		ann  map[string]string
		want int // "log scale" in the lr panel's caption and on its parallel axis
		note string
	}{
		"adaptive search, lr log-uniform": {ann: map[string]string{keys.Search: stored}, want: 2},
		"no stored search: guessed":       {ann: nil, want: 0},
		"unreadable search: said":         {ann: map[string]string{keys.Search: "not base64!"}, want: 0, note: "The search stored on the Jobs could not be read (job mnist-"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			g := newGetter(job("mnist-aaaa", 0, `{"lr":0.01,"dropout":0.2}`, true, tc.ann), job("mnist-bbbb", 1, `{"lr":0.03,"dropout":0.4}`, true, tc.ann),
				pod("mnist-aaaa", corev1.PodSucceeded), pod("mnist-bbbb", corev1.PodSucceeded))
			out, errOut, err := run(t, context.Background(), g, "--output-file", "-")
			if err != nil {
				t.Fatalf("%v\n%s", err, errOut)
			}
			if got := strings.Count(out, "log scale"); got != tc.want {
				t.Errorf(`"log scale" %d times in the page, want %d`, got, tc.want)
			}
			if tc.note != "" && !strings.Contains(out, tc.note) {
				t.Errorf("the page lacks the note %q", tc.note)
			}
		})
	}
}
