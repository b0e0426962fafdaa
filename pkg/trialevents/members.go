package trialevents

import (
	"regexp"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/eventagg"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// podSuffix is what the Job controller appends to a Job's name to name its
// pods: "-" and 5 random characters, after the completion index if any.
var podSuffix = regexp.MustCompile(`^-(?:[0-9]+-)?[a-z0-9]{5}$`)

// workloadName is how Kueue names the Workload of a Job (jobframework's
// GetWorkloadNameForOwnerWithGVK): "job-", the Job's name, "-" and 5 hex
// digits of a hash.
var workloadName = regexp.MustCompile(`^job-(.+)-[0-9a-f]{5}$`)

// Members tells which events are about the experiment's objects: its Jobs
// and pods by name (from one List each), and pods already deleted whose
// name is a trial's name plus the Job controller's suffix.
type Members struct {
	exp  string
	jobs map[string]bool
	// byName holds the Jobs of the first List, for what their pods'
	// OOM kills need (trial.MemoryKills).
	byName map[string]*batchv1.Job
	pods   map[string]string // pod name -> trial name
	// trialName matches a trial name of the experiment, for Follow.
	trialName *regexp.Regexp
	// Follow makes Jobs created after the Lists (and their pods) members
	// too: a watch sees them.
	Follow bool
	// Only keeps the events of one trial when set.
	Only string
}

// NewMembers returns the membership of experiment exp's Jobs and pods.
func NewMembers(exp string, jobs []batchv1.Job, pods []corev1.Pod) *Members {
	m := &Members{
		exp:       exp,
		jobs:      make(map[string]bool, len(jobs)),
		byName:    make(map[string]*batchv1.Job, len(jobs)),
		pods:      make(map[string]string, len(pods)),
		trialName: regexp.MustCompile(`^` + regexp.QuoteMeta(exp) + `-[0-9a-f]{8}(?:[0-9a-f]{8})?$`),
	}
	for i := range jobs {
		m.jobs[jobs[i].Name] = true
		m.byName[jobs[i].Name] = &jobs[i]
	}
	for i := range pods {
		m.AddPod(&pods[i])
	}
	return m
}

// AddPod records the trial of one of the experiment's pods.
func (m *Members) AddPod(p *corev1.Pod) {
	t := p.Labels[keys.Trial]
	if t == "" {
		t = p.Labels[batchv1.JobNameLabel]
	}
	m.pods[p.Name] = t
}

// jobOf returns the Job of pod's trial as the first List saw it, nil for a
// Job created since (--watch) or a pod of no trial.
func (m *Members) jobOf(p *corev1.Pod) *batchv1.Job {
	return m.byName[m.pods[p.Name]]
}

// HasJob reports whether the Lists saw the Job of trial name.
func (m *Members) HasJob(name string) bool { return m.jobs[name] }

// isTrial reports whether name is a trial of the experiment.
func (m *Members) isTrial(name string) bool {
	return m.jobs[name] || (m.Follow && m.trialName.MatchString(name))
}

// trialOf returns the trial an event's object belongs to, and whether it
// belongs to the experiment (and to the Only trial, if any).
func (m *Members) trialOf(o eventagg.Object) (string, bool) {
	t, ok := m.lookup(o)
	if !ok || (m.Only != "" && t != m.Only) {
		return "", false
	}
	return t, true
}

func (m *Members) lookup(o eventagg.Object) (string, bool) {
	switch o.Kind {
	case "Job":
		return o.Name, m.isTrial(o.Name)
	case "Workload":
		if sub := workloadName.FindStringSubmatch(o.Name); sub != nil {
			return sub[1], m.isTrial(sub[1])
		}
	case "Pod":
		if t, ok := m.pods[o.Name]; ok {
			return t, true
		}
		// A deleted pod: the trial's name, then the Job controller's suffix.
		for _, n := range []int{8, 16} {
			cut := len(m.exp) + 1 + n
			if len(o.Name) <= cut {
				continue
			}
			if t := o.Name[:cut]; m.isTrial(t) && podSuffix.MatchString(o.Name[cut:]) {
				return t, true
			}
		}
	}
	return "", false
}
