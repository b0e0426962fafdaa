package render

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// validate checks what the API server would reject, or what would make the
// trial useless, and returns the field path and message of the first
// problem; "" when the Job is fine.
func validate(job *batchv1.Job) (path, msg string) {
	if errs := validation.IsDNS1123Label(job.Name); len(errs) > 0 {
		return "metadata.name", fmt.Sprintf("invalid trial name %q: %s", job.Name, strings.Join(errs, "; "))
	}
	for _, m := range []struct {
		path   string
		labels map[string]string
		annots map[string]string
	}{
		{"metadata", job.Labels, job.Annotations},
		{"spec.template.metadata", job.Spec.Template.Labels, job.Spec.Template.Annotations},
	} {
		// Keys were checked when the file was parsed; values may hold parameters.
		for _, k := range sortedKeys(m.labels) {
			if isOwnLabel(k) {
				continue
			}
			if errs := validation.IsValidLabelValue(m.labels[k]); len(errs) > 0 {
				return m.path + ".labels." + k, fmt.Sprintf("invalid label value %q: %s", m.labels[k], strings.Join(errs, "; "))
			}
		}
		size := 0
		for k, v := range m.annots {
			size += len(k) + len(v)
		}
		if size > apivalidation.TotalAnnotationSizeLimitB {
			return m.path + ".annotations", fmt.Sprintf("annotations take %d bytes, more than the limit of %d", size, apivalidation.TotalAnnotationSizeLimitB)
		}
	}
	ps := &job.Spec.Template.Spec
	switch ps.RestartPolicy {
	case corev1.RestartPolicyNever, corev1.RestartPolicyOnFailure:
	default:
		return "spec.template.spec.restartPolicy", fmt.Sprintf("a Job's pods restart Never or OnFailure, got %q", ps.RestartPolicy)
	}
	if len(ps.Containers) == 0 {
		return "spec.template.spec.containers", "a Job needs at least one container"
	}
	seen := map[string]bool{}
	for _, group := range []struct {
		path string
		list []corev1.Container
	}{{"spec.template.spec.initContainers", ps.InitContainers}, {"spec.template.spec.containers", ps.Containers}} {
		for i := range group.list {
			c := &group.list[i]
			at := group.path + "[" + strconv.Itoa(i) + "]"
			if path, msg := validateContainer(c, at, seen); msg != "" {
				return path, msg
			}
		}
	}
	return "", ""
}

// validateContainer checks one container's name, image and resources.
func validateContainer(c *corev1.Container, at string, seen map[string]bool) (path, msg string) {
	if errs := validation.IsDNS1123Label(c.Name); len(errs) > 0 {
		return at + ".name", fmt.Sprintf("invalid container name %q: %s", c.Name, strings.Join(errs, "; "))
	}
	if seen[c.Name] {
		return at + ".name", fmt.Sprintf("container name %q is used twice", c.Name)
	}
	seen[c.Name] = true
	switch {
	case c.Image == "":
		return at + ".image", "the image is empty"
	case strings.Contains(c.Image, "$"):
		return at + ".image", fmt.Sprintf("image %q contains \"$\": write ${env.NAME} to read an environment variable, ${name} for a parameter", c.Image)
	case strings.TrimSpace(c.Image) != c.Image || strings.ContainsAny(c.Image, " \t\n"):
		return at + ".image", fmt.Sprintf("image %q contains spaces", c.Image)
	}
	for _, name := range sortedKeys(c.Resources.Requests) {
		req := c.Resources.Requests[name]
		lim, ok := c.Resources.Limits[name]
		if ok && req.Cmp(lim) > 0 {
			return at + ".resources.requests." + string(name),
				fmt.Sprintf("request %s of %s is above its limit %s", req.String(), name, lim.String())
		}
	}
	return "", ""
}

// sortedKeys returns the keys of m in order, for deterministic errors.
func sortedKeys[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

// memoryWarnings returns one warning per container name that some trials
// run without a memory limit: neither the container's nor the pod's
// (spec.resources, Kubernetes 1.34), which bounds all its containers.
func memoryWarnings(trials []Trial) []string {
	missing := map[string]int{}
	var order []string
	for _, t := range trials {
		if r := t.Job.Spec.Template.Spec.Resources; r != nil {
			if _, ok := r.Limits[corev1.ResourceMemory]; ok {
				continue
			}
		}
		for _, c := range t.Job.Spec.Template.Spec.Containers {
			if _, ok := c.Resources.Limits[corev1.ResourceMemory]; ok {
				continue
			}
			if missing[c.Name] == 0 {
				order = append(order, c.Name)
			}
			missing[c.Name]++
		}
	}
	var out []string
	for _, name := range order {
		out = append(out, fmt.Sprintf("%d of %d trials set no memory limit on container %q; one trial can take the node's memory",
			missing[name], len(trials), name))
	}
	return out
}

// isOwnLabel reports whether the plugin sets label key k (with valid values).
func isOwnLabel(k string) bool {
	return k == keys.Experiment || k == keys.Trial || k == keys.ManagedBy
}
