package trial

import (
	"fmt"
	"maps"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// DefaultContainerAnnotation names the container kubectl picks by default.
const DefaultContainerAnnotation = "kubectl.kubernetes.io/default-container"

// Resize says how a retry changes a trial's resources.
type Resize struct {
	// MemoryFactor multiplies the memory limit and request (if set) of the
	// container that ran out of memory in a trial that did (OutOfMemory:
	// OOMKilled, likely OOM-killed, a process OOM-killed); 0 or 1 leaves
	// them.
	MemoryFactor float64
	// Memory and CPU, when set, become the limit (and the request, if one
	// is set) of Container.
	Memory, CPU *resource.Quantity
	// Container is the container Memory and CPU apply to; "" means the
	// container that ran out of memory, else the pod's default container.
	Container string
}

// Retried is a trial's replacement Job and what changed in it.
type Retried struct {
	Job *batchv1.Job
	// Changes are the resources this retry set, e.g. limits.memory 32Mi -> 64Mi.
	Changes []Change
	// Warnings explain a factor that could not apply.
	Warnings []string
}

// RetryJob returns the Job that re-runs a finished trial under the same
// name: old's metadata and spec without what the API server and the Job
// controller set, the resources r changes, the override and spec hash that
// keep a re-submit quiet, and the attempts history with old's outcome
// appended. The results and the peak usage recorded for the old run are
// dropped: the old peak, set against the new limit, would misjudge a kill
// of the new run (likelyOOM) and misdraw the report. Everything else is
// old's as fetched in full: a kube.FullJob, never a Job trimmed for
// reading, so that the new Job runs the same command, env, volumes...
func RetryJob(full kube.FullJob, s *Status, r Resize) (*Retried, error) {
	old := full.Job()
	if old == nil {
		return nil, fmt.Errorf("trial %s: its Job was not fetched", s.Name)
	}
	job := cleanCopy(old)
	spec := &job.Spec.Template.Spec
	out := &Retried{Job: job}
	o, err := DecodeOverride(old.Annotations[keys.Override])
	if err != nil {
		return nil, err
	}
	if o == nil {
		o = &Override{Base: old.Annotations[keys.SpecHash]}
	}
	set := func(c *corev1.Container, field, to string) {
		from := quantity(c, field)
		if sameQuantity(from, to) {
			return
		}
		out.Changes = append(out.Changes, Change{Container: c.Name, Field: field, From: from, To: to})
		o.Set(c.Name, field, from, to)
		setQuantity(c, field, to)
	}
	if r.MemoryFactor > 1 && s.OutOfMemory() && r.Memory == nil {
		c := container(spec, s.OOMContainer)
		switch {
		case c == nil:
			out.Warnings = append(out.Warnings, fmt.Sprintf("trial %s: cannot tell which container ran out of memory; its memory is left as it was (set it with --memory)", s.Name))
		case quantity(c, LimitsMemory) == "":
			out.Warnings = append(out.Warnings, fmt.Sprintf("trial %s: container %s has no memory limit (the node ran out of memory); its memory is left as it was (set a limit with --memory)", s.Name, c.Name))
		default:
			for _, field := range []string{LimitsMemory, RequestsMemory} {
				if v := quantity(c, field); v != "" {
					q, err := ScaleMemory(resource.MustParse(v), r.MemoryFactor)
					if err != nil {
						return nil, fmt.Errorf("trial %s: %s of container %s: %w", s.Name, field, c.Name, err)
					}
					set(c, field, q.String())
				}
			}
		}
	}
	if r.Memory != nil || r.CPU != nil {
		c, err := target(spec, r.Container, s)
		if err != nil {
			return nil, fmt.Errorf("trial %s: %w", s.Name, err)
		}
		for _, x := range []struct {
			q              *resource.Quantity
			limit, request string
		}{{r.Memory, LimitsMemory, RequestsMemory}, {r.CPU, LimitsCPU, RequestsCPU}} {
			if x.q == nil {
				continue
			}
			set(c, x.limit, x.q.String())
			if quantity(c, x.request) != "" {
				set(c, x.request, x.q.String())
			}
		}
	}
	history := append(append([]Attempt{}, s.Attempts...), NewAttempt(s, old))
	enc, err := EncodeAttempts(history)
	if err != nil {
		return nil, err
	}
	job.Annotations[keys.Attempts] = enc
	delete(job.Annotations, keys.Results)
	delete(job.Annotations, keys.PeakUsage)
	if len(o.Changes) > 0 {
		job.Annotations[keys.Override] = o.Encode()
		job.Annotations[keys.SpecHash] = o.SpecHash()
	} else {
		delete(job.Annotations, keys.Override)
		if o.Base != "" {
			job.Annotations[keys.SpecHash] = o.Base
		}
	}
	return out, nil
}

// target returns the container --memory and --cpu set: the named one, else
// the one that ran out of memory, else the pod's default container.
func target(spec *corev1.PodSpec, name string, s *Status) (*corev1.Container, error) {
	if name != "" {
		if c := container(spec, name); c != nil {
			return c, nil
		}
		names := make([]string, len(spec.Containers))
		for i, c := range spec.Containers {
			names[i] = c.Name
		}
		return nil, fmt.Errorf("--container: no container %q (containers: %s)", name, strings.Join(names, ", "))
	}
	if c := container(spec, s.OOMContainer); c != nil {
		return c, nil
	}
	return &spec.Containers[0], nil
}

// controllerLabels are the pod template labels the Job controller adds,
// tied to the old Job's UID (with their historical unprefixed forms); a
// new Job gets its own.
var controllerLabels = []string{
	batchv1.ControllerUidLabel, "controller-uid",
	batchv1.JobNameLabel, "job-name",
}

// cleanCopy returns old as it can be created again: no server-set
// metadata, status, generated selector or controller labels.
func cleanCopy(old *batchv1.Job) *batchv1.Job {
	job := &batchv1.Job{
		TypeMeta: metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: metav1.ObjectMeta{
			Name:            old.Name,
			Namespace:       old.Namespace,
			Labels:          maps.Clone(old.Labels),
			Annotations:     map[string]string{},
			OwnerReferences: old.OwnerReferences,
		},
		Spec: *old.Spec.DeepCopy(),
	}
	for k, v := range old.Annotations {
		if !strings.HasPrefix(k, "batch.kubernetes.io/") {
			job.Annotations[k] = v
		}
	}
	if job.Spec.ManualSelector == nil || !*job.Spec.ManualSelector {
		job.Spec.Selector = nil
		for _, k := range controllerLabels {
			delete(job.Spec.Template.Labels, k)
		}
	}
	return job
}

// RetryMode is which finished trials a retry re-runs.
type RetryMode int

const (
	// RetryFailed re-runs the trials that failed (OOMKilled and likely
	// OOM-killed included).
	RetryFailed RetryMode = iota
	// RetryFinished re-runs every finished trial.
	RetryFinished
)

// SelectRetry returns the trials a retry re-runs among kept, the trials
// left after the user's narrowing: the failed ones, or every finished one.
// When the user named trials (named), a named trial that has not finished
// is an error: it cannot be re-run while it runs. Unfinished trials that
// were not named are skipped and returned in waiting.
func SelectRetry(kept []Status, mode RetryMode, named bool) (chosen, waiting []Status, err error) {
	var busy []string
	for _, s := range kept {
		switch {
		case !s.State.Finished():
			waiting = append(waiting, s)
			busy = append(busy, fmt.Sprintf("%s is %s", s.Name, s.State))
		case mode == RetryFinished || s.State == Failed || s.State == OOMKilled:
			chosen = append(chosen, s)
		}
	}
	if named && len(busy) > 0 {
		return nil, nil, fmt.Errorf("only a finished trial can be retried: %s (wait for it with `kubectl mlexp wait`, or delete it)", strings.Join(busy, ", "))
	}
	return chosen, waiting, nil
}

// SurvivedOOM returns the trials among kept that a retry in mode leaves
// although they ran out of memory: a retry of the failed trials leaves
// those that succeeded with a process OOM-killed (ReasonProcessOOMKilled).
// Re-run by name or with --all, such a trial gets more memory; left, it
// deserves a word.
func SurvivedOOM(kept []Status, mode RetryMode) []Status {
	if mode != RetryFailed {
		return nil
	}
	var out []Status
	for _, s := range kept {
		if s.State == Succeeded && s.OutOfMemory() {
			out = append(out, s)
		}
	}
	return out
}

// PodMemoryRequest returns the memory a pod of spec asks the scheduler
// for: the sum of its containers' requests (a limit without a request
// counts as its request), or its largest init container's if larger.
func PodMemoryRequest(spec *corev1.PodSpec) resource.Quantity {
	var sum resource.Quantity
	for i := range spec.Containers {
		sum.Add(memoryRequest(&spec.Containers[i]))
	}
	for i := range spec.InitContainers {
		if q := memoryRequest(&spec.InitContainers[i]); q.Cmp(sum) > 0 {
			sum = q
		}
	}
	return sum
}

func memoryRequest(c *corev1.Container) resource.Quantity {
	if q, ok := c.Resources.Requests[corev1.ResourceMemory]; ok {
		return q
	}
	return c.Resources.Limits[corev1.ResourceMemory]
}
