//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/test/headless"
)

// reportExperiment has four trials that print four Keras-like epoch lines
// and a test accuracy, then hold a few MiB and burn a little CPU until the
// test touches /tmp/done in their pod (or 150 s pass), so metrics-server
// can sample them; one hog is OOMKilled and one fails with exit code 3.
const reportExperiment = `apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata:
  name: rep
spec:
  parameters:
    list:
      - {act: relu, lr: 0.1}
      - {act: relu, lr: 0.01}
      - {act: tanh, lr: 0.001}
      - {act: tanh, lr: 0.01}
      - {act: hog,  lr: 0.1}
      - {act: fail, lr: 0.001}
  template:
    spec:
      backoffLimit: 0
      activeDeadlineSeconds: 600
      template:
        spec:
          restartPolicy: Never
          terminationGracePeriodSeconds: 1
          containers:
          - name: ml
            image: ` + ToolboxImage + `
            imagePullPolicy: Never
            command: [sh, -c]
            args:
            - |
              if [ ${act} = hog ]; then exec dd if=/dev/zero of=/dev/null bs=64M count=1; fi
              if [ ${act} = fail ]; then echo "Epoch 1/4"; echo "loss: 2.3 - accuracy: 0.1"; echo "diverged" >&2; exit 3; fi
              case ${act}-${lr} in relu-0.1) acc=91 mib=5;; relu-0.01) acc=97 mib=12;; tanh-0.001) acc=94 mib=9;; *) acc=88 mib=7;; esac
              for e in 1 2 3 4; do
                echo "Epoch $e/4"
                echo "120/120 [==============================] - 1s - loss: 0.$((70 - e * 12 - acc / 10)) - accuracy: 0.$((acc - (4 - e) * (100 - acc) / 2)) - val_loss: 0.$((75 - e * 11 - acc / 10)) - val_accuracy: 0.$((acc - 1 - (4 - e) * (100 - acc) * 2 / 3))"
              done
              echo "Test loss: 0.$((100 - acc))"
              echo "Test accuracy: 0.$acc"
              hold=$(head -c $((mib * 1048576)) /dev/zero | tr '\0' x)
              end=$(($(date +%s) + 150))
              while [ ! -f /tmp/done ] && [ $(date +%s) -lt $end ]; do
                j=0; while [ $j -lt 3000 ]; do j=$((j + 1)); done
              done
              echo "done after holding $${#hold} bytes"
            resources:
              requests: {cpu: 50m, memory: 16Mi}
              limits: {cpu: 200m, memory: 48Mi}
`

// TestReportInBrowser runs `report --watch --record` over an experiment
// while it runs, lets it end, and opens the report in headless Chromium
// from a file:// URL: no console error, the plots hold one line or dot per
// trial, sorting and highlighting work, and a screenshot is taken (written
// to docs/report.png when E2E_UPDATE_DOCS is set).
func TestReportInBrowser(t *testing.T) {
	bin := headless.Find()
	if bin == "" {
		t.Fatal(headless.ErrNoChromium)
	}
	t.Parallel()
	ns := NewNamespace(t, "report")
	MustMlexp(t, ns, "submit", "-f", WriteFile(t, "rep.yaml", reportExperiment))
	dir := t.TempDir()
	page := filepath.Join(dir, "rep.html")

	// report --watch in the background, as a user leaves it running. It
	// writes under dir, a t.TempDir: StartMlexp's cleanup, which runs
	// before TempDir's, waits for it to have exited, not only been killed.
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	watch := StartMlexp(t, ns, "report", "rep", "--watch", "--record", "--interval", "3s", "--output-file", page)

	// Wait until every holding trial's peak is on its Job, then release them.
	var holders []string
	// The hog is OOMKilled, or LikelyOOMKilled when the runtime reports the
	// exit before the OOM event (HogOutcome): both ran out of memory.
	WaitFor(t, 4*time.Minute, "a recorded peak for each of the 4 running trials, the hog out of memory and one trial failed", func() (bool, string) {
		s, r := Status(t, ns, "rep")
		if r.Err != nil {
			return false, r.String()
		}
		jobs, err := client.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{LabelSelector: keys.ForExperiment("rep")})
		if err != nil {
			return false, err.Error()
		}
		peak := map[string]bool{}
		for _, j := range jobs.Items {
			_, peak[j.Name] = j.Annotations[keys.PeakUsage]
		}
		holders, peaks := holders[:0], 0
		for _, tr := range s.Trials {
			if tr.State == "Running" {
				holders = append(holders, tr.Name)
				if peak[tr.Name] {
					peaks++
				}
			}
		}
		failed := 0
		for _, tr := range s.Trials {
			if tr.State == "Failed" && !tr.RanOutOfMemory() {
				failed++
			}
		}
		return len(holders) == 4 && peaks == 4 && s.CountOOM() == 1 && failed == 1,
			fmt.Sprintf("%d of %d running trials with a recorded peak; %s\nreport --watch stderr:\n%s", peaks, len(holders), s.Describe(), watch.Result().Stderr)
	})
	pods, err := client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: keys.ForExperiment("rep")})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods.Items {
		if p.Status.Phase == "Running" {
			if r := Kubectl(t, "", "exec", "-n", ns, p.Name, "--", "touch", "/tmp/done"); r.Err != nil { // -n before --
				t.Fatalf("release %s: %s", p.Name, r)
			}
		}
	}
	wr := watch.Wait(t, 3*time.Minute)
	if wr.Err != nil || !strings.Contains(wr.Stdout, "report of rep (6 trials) written to "+page) {
		t.Fatalf("report --watch: %s", wr)
	}
	t.Logf("report --watch:\n%s%s", wr.Stdout, wr.Stderr)

	b, err := headless.Launch(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	p, err := b.NewPage(ctx, 1280, 900)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Navigate(ctx, "file://"+page); err != nil {
		t.Fatal(err)
	}
	var got struct {
		ParCoords, Best, Rows, Usage int
		History                      int
		Curves, Params               []int
		Failures                     string
		Sorted                       []string
		Highlighted                  string
	}
	err = p.Eval(ctx, `(() => {
		const q = (s, el) => (el || document).querySelectorAll(s);
		const r = {
			ParCoords: q("svg.parcoords polyline.trial").length,
			Best: q("svg .trial.best").length,
			Rows: q("#ranking tbody tr").length,
			Usage: q("svg.usage rect").length,
			History: q("svg.history circle.trial").length,
			Curves: Array.from(q("svg.curves")).map(s => q("polyline.trial", s).length),
			Params: Array.from(q("svg.param")).map(s => q("circle.trial", s).length),
			Failures: document.getElementById("failures-section").innerText,
		};
		// sort by trial name, descending after two clicks
		const th = q("#ranking th")[1];
		th.click(); th.click();
		r.Sorted = Array.from(q("#ranking tbody tr")).map(tr => tr.cells[1].textContent);
		// hovering the best line highlights its table row
		q("svg.parcoords polyline.best")[0].dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
		r.Highlighted = document.querySelector("#ranking tr.hl").cells[1].textContent;
		document.body.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
		th.click();
		return r;
	})()`, &got)
	if err != nil {
		t.Fatal(err)
	}
	if errs := p.Errors(); len(errs) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
	}
	res := results(t, ns, "rep")
	if got.ParCoords != 6 || got.Rows != 6 {
		t.Errorf("parallel coordinates has %d lines and the table %d rows; want 6 of each", got.ParCoords, got.Rows)
	}
	// the best trial is marked in the parallel coordinates, the history, each curve panel and each parameter panel
	if want := 2 + len(got.Curves) + len(got.Params); got.Best != want {
		t.Errorf("%d marks of the best trial, want %d", got.Best, want)
	}
	if fmt.Sprint(got.Curves) != "[4 4 4 4]" {
		t.Errorf("learning-curve lines per panel %v, want 4 panels (val_accuracy, accuracy, val_loss, loss) of 4 trials", got.Curves)
	}
	if fmt.Sprint(got.Params) != "[4 4]" {
		t.Errorf("dots per parameter panel %v, want act and lr, each with the 4 trials that have a value", got.Params)
	}
	if got.History != 4 {
		t.Errorf("%d dots in the optimization history, want the 4 trials with a value", got.History)
	}
	if got.Usage < 9 {
		t.Errorf("%d usage bars, want memory and CPU for the 4 sampled trials and the hog's memory", got.Usage)
	}
	// the failed trial's reason is the Job's (BackoffLimitExceeded) or, until
	// the Job controller gets to it, its pod's (Error): both are right
	for _, want := range []string{"Out of memory (1)", "48Mi", "Failed (1)", "act=fail,lr=0.001", "\t3\t"} {
		if !strings.Contains(got.Failures, want) {
			t.Errorf("failures section lacks %q:\n%s", want, got.Failures)
		}
	}
	if res.Best == "" || got.Highlighted != res.Best {
		t.Errorf("hovering the best line highlighted row %q, want the best trial %q", got.Highlighted, res.Best)
	}
	sorted := len(got.Sorted) == 6
	for i := 1; i < len(got.Sorted); i++ {
		sorted = sorted && got.Sorted[i-1] > got.Sorted[i]
	}
	if !sorted {
		t.Errorf("two clicks on the trial header left the rows in order %v, want names descending", got.Sorted)
	}

	// the page as it opens, for the picture: ranked order, nothing hovered
	if err := p.Navigate(ctx, "file://"+page); err != nil {
		t.Fatal(err)
	}
	shot, err := p.Screenshot(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "report.png")
	if os.Getenv("E2E_UPDATE_DOCS") != "" {
		out = filepath.Join("..", "..", "docs", "report.png")
	}
	if err := os.WriteFile(out, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot (%d bytes): %s", len(shot), out)
}
