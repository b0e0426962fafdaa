package incluster

import (
	"fmt"
	"sort"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/utils/ptr"

	"github.com/mlexp/kubectl-mlexp/pkg/drive"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// BackoffLimit is how many times the driver's Job replaces a driver pod
// that died (killed, evicted, its node gone) before it gives up; a new pod
// resumes the search from the Jobs, as `tune` does.
const BackoffLimit = 6

// Container is the name of the driver pod's container.
const Container = "driver"

// Name returns the name of experiment exp's driver Job, and of the
// ServiceAccount, Role and RoleBinding it runs under.
func Name(exp string) string { return "mlexp-driver-" + exp }

// Spec is what the driver objects are rendered from.
type Spec struct {
	// Experiment is the experiment whose search the driver runs.
	Experiment string
	// Namespace is the experiment's namespace.
	Namespace string
	// Image is the plugin's image the driver runs (its entrypoint is the
	// plugin).
	Image string
}

// Objects are the objects that run a search's driver in the cluster.
type Objects struct {
	ServiceAccount *corev1.ServiceAccount
	Role           *rbacv1.Role
	RoleBinding    *rbacv1.RoleBinding
	Job            *batchv1.Job
}

// Render returns the driver objects of s: a ServiceAccount, a Role
// allowing what drive.Needs lists in the namespace, a RoleBinding of the
// two, and a Job that runs `kubectl-mlexp tune EXPERIMENT -n NAMESPACE`
// under the ServiceAccount (the plugin reads the in-cluster configuration
// when there is no kubeconfig).
func Render(s Spec) (*Objects, error) {
	name := Name(s.Experiment)
	// The Job controller labels the driver's pods with the Job's name.
	if errs := validation.IsDNS1123Label(name); len(errs) > 0 {
		return nil, fmt.Errorf("experiment %q: its driver's name %q is not a valid name: %s (use a shorter experiment name)", s.Experiment, name, strings.Join(errs, "; "))
	}
	if s.Image == "" {
		return nil, fmt.Errorf("--driver-image: no image for the driver")
	}
	meta := func() metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: name, Namespace: s.Namespace, Labels: Labels(s.Experiment)}
	}
	sa := &corev1.ServiceAccount{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"}, ObjectMeta: meta()}
	role := &rbacv1.Role{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role"}, ObjectMeta: meta(), Rules: Rules(drive.Needs)}
	rb := &rbacv1.RoleBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"},
		ObjectMeta: meta(),
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: name, Namespace: s.Namespace}},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name},
	}
	job := &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: meta(),
		Spec: batchv1.JobSpec{
			BackoffLimit: ptr.To[int32](BackoffLimit),
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: Labels(s.Experiment)},
				Spec:       podSpec(s, name),
			},
		},
	}
	return &Objects{ServiceAccount: sa, Role: role, RoleBinding: rb, Job: job}, nil
}

// podSpec is the driver's pod: the plugin's image running tune as an
// unprivileged user, with small requests (it watches and writes Jobs; the
// trials do the work).
func podSpec(s Spec, sa string) corev1.PodSpec {
	return corev1.PodSpec{
		ServiceAccountName: sa,
		RestartPolicy:      corev1.RestartPolicyNever,
		SecurityContext: &corev1.PodSecurityContext{
			RunAsNonRoot:   ptr.To(true),
			RunAsUser:      ptr.To[int64](65534),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
		Containers: []corev1.Container{{
			Name:            Container,
			Image:           s.Image,
			ImagePullPolicy: corev1.PullIfNotPresent,
			// The image's entrypoint is the plugin.
			Args: []string{"tune", s.Experiment, "-n", s.Namespace},
			Resources: corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("50m"), corev1.ResourceMemory: resource.MustParse("64Mi")},
				Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse("512Mi")},
			},
			SecurityContext: &corev1.SecurityContext{
				AllowPrivilegeEscalation: ptr.To(false),
				Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			},
		}},
	}
}

// Labels returns the labels of every driver object of experiment exp: the
// experiment's, and the driver role that keeps them out of every trial
// selector (keys.ForExperiment).
func Labels(exp string) map[string]string {
	return map[string]string{keys.Experiment: exp, keys.Role: keys.RoleDriver, keys.ManagedBy: keys.ManagedByValue}
}

// Rules returns the RBAC rules that allow exactly needs: one rule per API
// group and resource, its verbs sorted.
func Rules(needs []kube.Access) []rbacv1.PolicyRule {
	type gr struct{ group, resource string }
	verbs := map[gr]map[string]bool{}
	var order []gr
	for _, a := range needs {
		k := gr{a.Group, a.Resource}
		if a.Subresource != "" {
			k.resource += "/" + a.Subresource
		}
		if verbs[k] == nil {
			verbs[k] = map[string]bool{}
			order = append(order, k)
		}
		verbs[k][a.Verb] = true
	}
	out := make([]rbacv1.PolicyRule, 0, len(order))
	for _, k := range order {
		vs := make([]string, 0, len(verbs[k]))
		for v := range verbs[k] {
			vs = append(vs, v)
		}
		sort.Strings(vs)
		out = append(out, rbacv1.PolicyRule{APIGroups: []string{k.group}, Resources: []string{k.resource}, Verbs: vs})
	}
	return out
}
