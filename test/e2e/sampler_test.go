//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// Sampler watches an experiment's Jobs and pods for the whole run and
// records, at every change, how many trials run at once and which trials
// ever had a pod: state sampled from the cluster's own events, not by
// polling on a timer.
type Sampler struct {
	mu sync.Mutex
	// MaxRunning is the most pods Running (or containers starting on a
	// node) at once.
	MaxRunning int
	// MaxActive is the most Jobs at once that were neither suspended nor
	// finished.
	MaxActive int
	// HadPod holds the trials that ever had a pod.
	HadPod map[string]bool
	// Pods holds the names of every pod each trial had.
	Pods map[string]map[string]bool
	// FirstPod lists the trials in the order they first had a pod.
	FirstPod []string
	// Running holds the trials whose pod runs now.
	Running map[string]bool

	pods, jobs cache.Store
}

// SampleExperiment starts a Sampler on experiment exp in ns; it stops
// when the test ends.
func SampleExperiment(t testing.TB, ns, exp string) *Sampler {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	f := informers.NewSharedInformerFactoryWithOptions(client, 0, informers.WithNamespace(ns),
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = keys.ForExperiment(exp) }))
	pods, jobs := f.Core().V1().Pods().Informer(), f.Batch().V1().Jobs().Informer()
	s := &Sampler{HadPod: map[string]bool{}, Running: map[string]bool{}, Pods: map[string]map[string]bool{}, pods: pods.GetStore(), jobs: jobs.GetStore()}
	h := cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { s.sample() },
		UpdateFunc: func(any, any) { s.sample() },
		DeleteFunc: func(any) { s.sample() },
	}
	for _, inf := range []cache.SharedIndexInformer{pods, jobs} {
		if _, err := inf.AddEventHandler(h); err != nil {
			t.Fatal(err)
		}
	}
	f.Start(ctx.Done())
	t.Cleanup(func() { cancel(); f.Shutdown() })
	if !cache.WaitForCacheSync(ctx.Done(), pods.HasSynced, jobs.HasSynced) {
		t.Fatal("sampler: caches did not sync")
	}
	return s
}

// sample records the state the stores hold now.
func (s *Sampler) sample() {
	s.mu.Lock()
	defer s.mu.Unlock()
	running := map[string]bool{}
	for _, obj := range s.pods.List() {
		p := obj.(*corev1.Pod)
		tr := p.Labels[keys.Trial]
		if !s.HadPod[tr] {
			s.FirstPod = append(s.FirstPod, tr)
		}
		s.HadPod[tr] = true
		if s.Pods[tr] == nil {
			s.Pods[tr] = map[string]bool{}
		}
		s.Pods[tr][p.Name] = true
		if p.DeletionTimestamp == nil && (p.Status.Phase == corev1.PodRunning || (p.Status.Phase == corev1.PodPending && p.Spec.NodeName != "")) {
			running[tr] = true
		}
	}
	s.Running = running
	s.MaxRunning = max(s.MaxRunning, len(running))
	active := 0
	for _, obj := range s.jobs.List() {
		j := obj.(*batchv1.Job)
		if (j.Spec.Suspend == nil || !*j.Spec.Suspend) && !jobFinished(j) {
			active++
		}
	}
	s.MaxActive = max(s.MaxActive, active)
}

func jobFinished(j *batchv1.Job) bool {
	for _, c := range j.Status.Conditions {
		if (c.Type == batchv1.JobComplete || c.Type == batchv1.JobFailed) && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

// Snapshot returns a copy of what the sampler saw, safe to read.
func (s *Sampler) Snapshot() (maxRunning, maxActive int, hadPod, running []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for t := range s.HadPod {
		hadPod = append(hadPod, t)
	}
	for t := range s.Running {
		running = append(running, t)
	}
	sort.Strings(hadPod)
	sort.Strings(running)
	return s.MaxRunning, s.MaxActive, hadPod, running
}

// String renders the sample for failure messages.
func (s *Sampler) String() string {
	mr, ma, had, run := s.Snapshot()
	return fmt.Sprintf("max running %d, max active Jobs %d, trials that had a pod [%s], running now [%s]",
		mr, ma, strings.Join(had, " "), strings.Join(run, " "))
}

// Started returns the trials in the order they first had a pod.
func (s *Sampler) Started() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string{}, s.FirstPod...)
}

// Restarted returns the trials that had more than one pod: a trial whose
// pod was stopped (a suspended Job) and started again.
func (s *Sampler) Restarted() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for tr, pods := range s.Pods {
		if len(pods) > 1 {
			out = append(out, tr)
		}
	}
	sort.Strings(out)
	return out
}
