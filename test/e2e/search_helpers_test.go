//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
)

// SearchExperiment is an adaptive search of small trials on the real
// node: each runs script with sh in the toolbox image, as
// ToolboxExperiment's trials do. search is the body of spec.search (YAML,
// indented by 4 spaces); the objective is loss, minimized.
func SearchExperiment(name, search, script string) string {
	return `apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata:
  name: ` + name + `
spec:
  search:
` + search + `
` + toolboxTemplate(script) + `  results:
    metric: loss
    goal: min
`
}

// ParallelWatch follows the Jobs of namespace ns through one watch and
// records the most trials that were unfinished at once: a Job counts from
// the event that adds it to the event that marks it complete, failed or
// suspended. One watch sees events in the API server's order, so a driver
// that creates a trial only after seeing another finish shows here too.
type ParallelWatch struct {
	mu         sync.Mutex
	unfinished map[string]bool
	most       int
	created    []string
	history    []string // what the watch saw, for failure messages
	stop       context.CancelFunc
	done       chan struct{}
}

// WatchParallel starts a ParallelWatch; it stops when the test ends.
func WatchParallel(t testing.TB, ns string) *ParallelWatch {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w, err := client.BatchV1().Jobs(ns).Watch(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatalf("watch jobs: %v", err)
	}
	p := &ParallelWatch{unfinished: map[string]bool{}, stop: cancel, done: make(chan struct{})}
	go func() {
		defer close(p.done)
		defer w.Stop()
		for ev := range w.ResultChan() {
			job, ok := ev.Object.(*batchv1.Job)
			if !ok {
				continue
			}
			p.mu.Lock()
			was := p.unfinished[job.Name]
			switch {
			case ev.Type == watch.Added:
				p.created = append(p.created, job.Name)
				p.unfinished[job.Name] = !ended(job)
			case ev.Type == watch.Modified && ended(job), ev.Type == watch.Deleted:
				p.unfinished[job.Name] = false
			}
			n := 0
			for _, u := range p.unfinished {
				if u {
					n++
				}
			}
			if was != p.unfinished[job.Name] || ev.Type == watch.Added {
				p.history = append(p.history, fmt.Sprintf("%s %s %s unfinished=%d", time.Now().Format("15:04:05.000"), ev.Type, job.Name, n))
			}
			p.most = max(p.most, n)
			p.mu.Unlock()
		}
	}()
	t.Cleanup(p.Stop)
	return p
}

// ended reports whether a Job has finished or is suspended.
func ended(job *batchv1.Job) bool {
	if job.Spec.Suspend != nil && *job.Spec.Suspend {
		return true
	}
	for _, c := range job.Status.Conditions {
		if (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

// Stop ends the watch.
func (p *ParallelWatch) Stop() {
	p.stop()
	<-p.done
}

// History returns what the watch saw: each Job added and ended, with the
// count of unfinished ones then.
func (p *ParallelWatch) History() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.history, "\n")
}

// Most returns the most trials seen unfinished at once, and the Jobs
// created, in order.
func (p *ParallelWatch) Most() (int, []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.most, append([]string(nil), p.created...)
}

// SearchTrial is one trial of a search as its Job records it.
type SearchTrial struct {
	Name      string
	Index     int
	Loss      *float64
	Curve     int // points of the recorded curve
	Stopped   string
	Suspended bool
}

// SearchTrials reads every trial Job of experiment exp (its in-cluster
// driver's Job is not one): index, recorded objective and early stop,
// sorted by index.
func SearchTrials(t testing.TB, ns, exp string) []SearchTrial {
	t.Helper()
	jobs, err := client.BatchV1().Jobs(ns).List(context.Background(), metav1.ListOptions{LabelSelector: "mlexp.dev/experiment=" + exp + ",!mlexp.dev/role"})
	if err != nil {
		t.Fatal(err)
	}
	var out []SearchTrial
	for _, j := range jobs.Items {
		st := SearchTrial{Name: j.Name, Stopped: j.Annotations["mlexp.dev/early-stopped"], Suspended: j.Spec.Suspend != nil && *j.Spec.Suspend}
		fmt.Sscan(j.Annotations["mlexp.dev/index"], &st.Index)
		var o struct {
			Value *float64     `json:"value"`
			Curve [][2]float64 `json:"curve"`
		}
		if s := j.Annotations["mlexp.dev/objective"]; s != "" {
			if err := json.Unmarshal([]byte(s), &o); err != nil {
				t.Errorf("Job %s: objective %q: %v", j.Name, s, err)
			}
		}
		st.Loss, st.Curve = o.Value, len(o.Curve)
		out = append(out, st)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Index < out[b].Index })
	return out
}

// DescribeSearch renders trials for failure messages.
func DescribeSearch(ts []SearchTrial) string {
	var b strings.Builder
	for _, s := range ts {
		loss := "-"
		if s.Loss != nil {
			loss = fmt.Sprint(*s.Loss)
		}
		fmt.Fprintf(&b, "  %s index %d loss %s curve %d stopped %q suspended %v\n", s.Name, s.Index, loss, s.Curve, s.Stopped, s.Suspended)
	}
	return b.String()
}
