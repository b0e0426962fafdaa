package trial

import (
	"sort"
	"strconv"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

// Status is everything the plugin shows about one trial.
type Status struct {
	Name       string        `json:"name"`
	Namespace  string        `json:"namespace"`
	Experiment string        `json:"experiment"`
	Index      int           `json:"index"`
	Params     params.Params `json:"params"`
	State      State         `json:"state"`
	Reason     string        `json:"reason,omitempty"`
	Message    string        `json:"message,omitempty"`
	ExitCode   *int32        `json:"exitCode,omitempty"`
	Restarts   int32         `json:"restarts"`
	Node       string        `json:"node,omitempty"`
	Pod        string        `json:"pod,omitempty"`
	// MemoryLimit is the memory limit of the container that ran out of
	// memory (OOMKilled, or reason LikelyOOMKilled or ProcessOOMKilled).
	MemoryLimit string `json:"memoryLimit,omitempty"`
	// OOMContainer names the container that ran out of memory; it is set
	// only for a trial that did (see OutOfMemory).
	OOMContainer string `json:"oomContainer,omitempty"`
	// Attempt is the number of the current run: 1 until `retry` replaces the Job.
	Attempt int `json:"attempt"`
	// Attempts are the earlier runs, oldest first (see keys.Attempts).
	Attempts []Attempt  `json:"attempts,omitempty"`
	Created  time.Time  `json:"created"`
	Started  *time.Time `json:"started,omitempty"`
	Finished *time.Time `json:"finished,omitempty"`
	// Queueing is what Kueue says of a trial submitted to a queue.
	Queueing *Queueing `json:"queueing,omitempty"`
	// Labels are the labels of the trial's Job (shared with it, not copied).
	Labels map[string]string `json:"labels,omitempty"`
}

// Duration returns how long the trial ran: until it finished, or until now
// while it runs; zero while it waits or if it never started.
func (s *Status) Duration(now time.Time) time.Duration {
	if s.Started == nil || s.State == Pending || s.State == Suspended || s.State == Queued {
		return 0
	}
	end := now
	if s.Finished != nil {
		end = *s.Finished
	}
	if end.Before(*s.Started) {
		return 0
	}
	return end.Sub(*s.Started)
}

// FromJobs derives the status of every trial Job from the Jobs and the pods
// of one List each, in trial order (the experiment file's order). A Job
// with a role (the search's driver, keys.Role) is not a trial and is left out.
func FromJobs(jobs []batchv1.Job, pods []corev1.Pod) []Status {
	byJob := PodsByJob(pods)
	out := make([]Status, 0, len(jobs))
	for i := range jobs {
		j := &jobs[i]
		if keys.IsDriver(j.Labels) {
			continue
		}
		out = append(out, FromJob(j, byJob[j.Namespace+"/"+j.Name]))
	}
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].Namespace != out[b].Namespace {
			return out[a].Namespace < out[b].Namespace
		}
		if out[a].Experiment != out[b].Experiment {
			return out[a].Experiment < out[b].Experiment
		}
		if out[a].Index != out[b].Index {
			return out[a].Index < out[b].Index
		}
		return out[a].Name < out[b].Name
	})
	return out
}

// PodsByJob groups pods by "namespace/job-name", using the trial label and
// falling back to the Job controller's own job-name label.
func PodsByJob(pods []corev1.Pod) map[string][]corev1.Pod {
	out := make(map[string][]corev1.Pod)
	for _, p := range pods {
		name := p.Labels[keys.Trial]
		if name == "" {
			name = p.Labels[batchv1.JobNameLabel]
		}
		if name == "" {
			continue
		}
		key := p.Namespace + "/" + name
		out[key] = append(out[key], p)
	}
	return out
}

// FromJob derives one trial's status from its Job and that Job's pods.
func FromJob(job *batchv1.Job, pods []corev1.Pod) Status {
	s := Status{
		Name:       job.Name,
		Namespace:  job.Namespace,
		Experiment: job.Labels[keys.Experiment],
		Index:      -1,
		Created:    job.CreationTimestamp.Time,
		Labels:     job.Labels,
	}
	if v, err := strconv.Atoi(job.Annotations[keys.Index]); err == nil {
		s.Index = v
	}
	s.Params, _ = params.Decode(job.Annotations[keys.Params])
	s.fromAttempts(job)
	if job.Status.StartTime != nil {
		t := job.Status.StartTime.Time
		s.Started = &t
	}
	pod := newestPod(pods)
	s.Restarts = restarts(job, pods)
	if pod != nil {
		s.Pod = pod.Name
		s.Node = pod.Spec.NodeName
		// The kubelet's start of the pod, not the Job's: a trial's duration
		// leaves out the time it waited for the scheduler.
		if pod.Status.StartTime != nil {
			t := pod.Status.StartTime.Time
			s.Started = &t
		}
	}
	if reason, ok := job.Annotations[keys.EarlyStopped]; ok {
		// Stopped by its search's driver: the Job is suspended, its pod
		// deleted; why comes from the driver.
		s.State, s.Reason, s.Message = EarlyStopped, "EarlyStopped", reason
		if c := jobCondition(job, batchv1.JobSuspended); c != nil && !c.LastTransitionTime.IsZero() {
			t := c.LastTransitionTime.Time
			s.Finished = &t
		}
		return s
	}
	if c := jobCondition(job, batchv1.JobComplete, batchv1.JobSuccessCriteriaMet); c != nil {
		s.State = Succeeded
		s.Finished = finishTime(job, c)
		s.noteSurvivedOOM(pods)
		return s
	}
	if c := jobCondition(job, batchv1.JobFailed, batchv1.JobFailureTarget); c != nil {
		s.State, s.Reason, s.Message = Failed, c.Reason, c.Message
		s.Finished = finishTime(job, c)
		if pod == nil {
			s.markPodsGone(job)
			return s
		}
		if t := terminated(pod); t != nil {
			s.ExitCode = &t.ExitCode
		}
		s.judgeKill(job, pods)
		return s
	}
	if isSuspended(job) {
		s.State, s.Reason = Suspended, "Suspended"
		return s
	}
	if pod == nil {
		s.State, s.Reason = Pending, "NoPod"
		s.Message = "the Job controller has not created a pod yet"
		return s
	}
	s.fromPod(job, pod)
	return s
}

func finishTime(job *batchv1.Job, c *batchv1.JobCondition) *time.Time {
	if job.Status.CompletionTime != nil {
		t := job.Status.CompletionTime.Time
		return &t
	}
	t := c.LastTransitionTime.Time
	if t.IsZero() {
		return nil
	}
	return &t
}

func isSuspended(job *batchv1.Job) bool {
	if job.Spec.Suspend != nil && *job.Spec.Suspend {
		return true
	}
	return jobCondition(job, batchv1.JobSuspended) != nil
}

// jobCondition returns the first true condition of any of the given types.
func jobCondition(job *batchv1.Job, types ...batchv1.JobConditionType) *batchv1.JobCondition {
	for _, t := range types {
		for i := range job.Status.Conditions {
			c := &job.Status.Conditions[i]
			if c.Type == t && c.Status == corev1.ConditionTrue {
				return c
			}
		}
	}
	return nil
}

// ParamColumns returns the parameter names of statuses in first-seen
// order: the parameter columns of a table of trials.
func ParamColumns(statuses []Status) []string {
	return params.Columns(statuses, func(s *Status) params.Params { return s.Params })
}
