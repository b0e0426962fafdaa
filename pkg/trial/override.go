package trial

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// Resource fields a retry can change, as an override names them.
const (
	LimitsMemory   = "limits.memory"
	RequestsMemory = "requests.memory"
	LimitsCPU      = "limits.cpu"
	RequestsCPU    = "requests.cpu"
)

// Change is one resource of one container that a retry set.
type Change struct {
	Container string `json:"container"`
	// Field is LimitsMemory, RequestsMemory, LimitsCPU or RequestsCPU.
	Field string `json:"field"`
	// From is the value the experiment file renders ("" for none).
	From string `json:"from,omitempty"`
	// To is the value the trial runs with.
	To string `json:"to"`
}

// String renders the change, e.g. "limits.memory of container ml: 32Mi -> 64Mi".
func (c Change) String() string {
	from := c.From
	if from == "" {
		from = "none"
	}
	return fmt.Sprintf("%s of container %s: %s -> %s", c.Field, c.Container, from, c.To)
}

// Override is what retries changed in a trial's Job against what the
// experiment file renders: recorded on the Job (keys.Override) so that a
// re-submit of the same file applies it again instead of seeing a change.
//
// The Job's spec hash is then Override.SpecHash, a hash of Base (the spec
// hash of the Job the file renders) and the changes: submit reproduces it
// from the file and the override, and any other edit of the file still
// changes it.
type Override struct {
	// Base is the spec hash of the Job the experiment file renders.
	Base string `json:"base"`
	// Changes are the resources set, sorted by container and field.
	Changes []Change `json:"changes"`
}

// SpecHash returns the spec hash of a Job the override applies to.
func (o *Override) SpecHash() string {
	b, err := json.Marshal(o.Changes)
	if err != nil {
		panic(err) // strings only
	}
	sum := sha256.Sum256(append([]byte(o.Base+"\n"), b...))
	return hex.EncodeToString(sum[:])[:16]
}

// Encode returns the override annotation.
func (o *Override) Encode() string {
	b, err := json.Marshal(o)
	if err != nil {
		panic(err) // strings only
	}
	return string(b)
}

// DecodeOverride parses the override annotation; "" is no override.
func DecodeOverride(v string) (*Override, error) {
	if v == "" {
		return nil, nil
	}
	var o Override
	if err := json.Unmarshal([]byte(v), &o); err != nil {
		return nil, fmt.Errorf("annotation %s: %w", keys.Override, err)
	}
	for _, c := range o.Changes {
		if _, _, err := fieldOf(c.Field); err != nil {
			return nil, fmt.Errorf("annotation %s: %w", keys.Override, err)
		}
		if _, err := resource.ParseQuantity(c.To); err != nil {
			return nil, fmt.Errorf("annotation %s: %s: %w", keys.Override, c.Field, err)
		}
	}
	return &o, nil
}

// Set records that field of container is now to, keeping the file's value
// of an earlier change of the same field; a change back to the file's
// value is dropped.
func (o *Override) Set(container, field, from, to string) {
	for i, c := range o.Changes {
		if c.Container == container && c.Field == field {
			o.Changes[i].To = to
			if sameQuantity(c.From, to) {
				o.Changes = append(o.Changes[:i], o.Changes[i+1:]...)
			}
			return
		}
	}
	if sameQuantity(from, to) {
		return
	}
	o.Changes = append(o.Changes, Change{Container: container, Field: field, From: from, To: to})
	sort.Slice(o.Changes, func(a, b int) bool {
		if o.Changes[a].Container != o.Changes[b].Container {
			return o.Changes[a].Container < o.Changes[b].Container
		}
		return o.Changes[a].Field < o.Changes[b].Field
	})
}

// Apply sets every change in spec.
func (o *Override) Apply(spec *corev1.PodSpec) {
	for _, c := range o.Changes {
		if ct := container(spec, c.Container); ct != nil {
			setQuantity(ct, c.Field, c.To)
		}
	}
}

// CarryOverride applies the override recorded on existing, a trial's Job
// in the cluster (its metadata is enough), to rendered, the same trial's
// Job freshly rendered from the file, where the file still says what it
// said when the override was made (a resource the file now sets
// differently is left as the file says).
// It sets rendered's override annotation and spec hash, and reports
// whether anything was carried. Then a re-submit of the unchanged file
// finds the same spec hash as the retried Job.
func CarryOverride(rendered *batchv1.Job, existing metav1.Object) bool {
	o, err := DecodeOverride(existing.GetAnnotations()[keys.Override])
	if err != nil || o == nil {
		return false
	}
	spec := &rendered.Spec.Template.Spec
	kept := Override{Base: rendered.Annotations[keys.SpecHash]}
	for _, c := range o.Changes {
		ct := container(spec, c.Container)
		if ct == nil || !sameQuantity(quantity(ct, c.Field), c.From) {
			continue
		}
		kept.Changes = append(kept.Changes, c)
	}
	if len(kept.Changes) == 0 {
		return false
	}
	kept.Apply(spec)
	rendered.Annotations[keys.Override] = kept.Encode()
	rendered.Annotations[keys.SpecHash] = kept.SpecHash()
	return true
}

// fieldOf splits a field name into its list and resource.
func fieldOf(field string) (limits bool, name corev1.ResourceName, err error) {
	switch field {
	case LimitsMemory:
		return true, corev1.ResourceMemory, nil
	case RequestsMemory:
		return false, corev1.ResourceMemory, nil
	case LimitsCPU:
		return true, corev1.ResourceCPU, nil
	case RequestsCPU:
		return false, corev1.ResourceCPU, nil
	}
	return false, "", fmt.Errorf("unknown resource field %q", field)
}

// quantity returns a container's value of field as a string, "" if unset.
func quantity(c *corev1.Container, field string) string {
	limits, name, err := fieldOf(field)
	if err != nil {
		return ""
	}
	list := c.Resources.Requests
	if limits {
		list = c.Resources.Limits
	}
	if q, ok := list[name]; ok {
		return q.String()
	}
	return ""
}

// setQuantity sets a container's field to v (a valid quantity).
func setQuantity(c *corev1.Container, field, v string) {
	limits, name, err := fieldOf(field)
	if err != nil {
		return
	}
	q, err := resource.ParseQuantity(v)
	if err != nil {
		return
	}
	if limits {
		if c.Resources.Limits == nil {
			c.Resources.Limits = corev1.ResourceList{}
		}
		c.Resources.Limits[name] = q
		return
	}
	if c.Resources.Requests == nil {
		c.Resources.Requests = corev1.ResourceList{}
	}
	c.Resources.Requests[name] = q
}

// sameQuantity compares two quantities by value; "" equals only "".
func sameQuantity(a, b string) bool {
	if a == "" || b == "" {
		return a == b
	}
	qa, errA := resource.ParseQuantity(a)
	qb, errB := resource.ParseQuantity(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return qa.Cmp(qb) == 0
}

func container(spec *corev1.PodSpec, name string) *corev1.Container {
	for i := range spec.Containers {
		if spec.Containers[i].Name == name {
			return &spec.Containers[i]
		}
	}
	return nil
}
