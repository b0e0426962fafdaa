package trial

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

// renderedJob is a trial's Job as submit renders it from the file.
func renderedJob() *batchv1.Job {
	j := job("t1")
	j.Labels[keys.Trial] = "t1"
	j.Annotations[keys.SpecHash] = "filehash00000000"
	j.Spec.Template.Labels = map[string]string{keys.Experiment: "exp", keys.Trial: "t1"}
	j.Spec.Template.Spec = kubefake.RichPodSpec("32Mi", false)
	return j
}

// defaulted adds to j what the API server, the Job controller and Kueue's
// admission add to a Job's pod template.
func defaulted(j *batchv1.Job) *batchv1.Job {
	j = j.DeepCopy()
	s := &j.Spec.Template.Spec
	j.Spec.Template.Labels[batchv1.ControllerUidLabel] = "uid-2"
	s.DNSPolicy, s.SchedulerName = corev1.DNSClusterFirst, corev1.DefaultSchedulerName
	grace := int64(30)
	s.TerminationGracePeriodSeconds = &grace
	s.NodeSelector["kueue-flavor"] = "spot"
	s.Tolerations = append(s.Tolerations, corev1.Toleration{Key: "spot", Operator: corev1.TolerationOpExists})
	for i := range s.Containers {
		c := &s.Containers[i]
		c.TerminationMessagePath, c.ImagePullPolicy = corev1.TerminationMessagePathDefault, corev1.PullIfNotPresent
		c.ReadinessProbe.TimeoutSeconds, c.ReadinessProbe.FailureThreshold = 1, 3
		c.Env[1].ValueFrom.FieldRef.APIVersion = "v1"
	}
	return j
}

func TestDriftOfARetriedJob(t *testing.T) {
	// The Job a retry wrote: the file's, with 64Mi and its history.
	retried := defaulted(renderedJob())
	retried.Spec.Template.Spec.Containers[0].Resources.Limits[corev1.ResourceMemory] = resource.MustParse("64Mi")
	o := &Override{Base: "filehash00000000", Changes: []Change{{Container: "ml", Field: LimitsMemory, From: "32Mi", To: "64Mi"}}}
	retried.Annotations[keys.Override] = o.Encode()
	retried.Annotations[keys.SpecHash] = o.SpecHash()
	retried.Annotations[keys.Attempts] = `[{"attempt":1,"state":"OOMKilled"}]`

	// What a retry of issue 19 wrote: the same, its template trimmed as a
	// List for reading trims it.
	trimmed := retried.DeepCopy()
	s := &trimmed.Spec.Template.Spec
	s.Volumes, s.Tolerations, s.Affinity = nil, nil, nil
	for _, cs := range [][]corev1.Container{s.InitContainers, s.Containers} {
		for i := range cs {
			c := &cs[i]
			c.Command, c.Args, c.Env, c.EnvFrom, c.VolumeMounts = nil, nil, nil, nil, nil
			c.LivenessProbe, c.ReadinessProbe, c.SecurityContext = nil, nil, nil
		}
	}

	edited := retried.DeepCopy()
	edited.Spec.Template.Spec.Containers[0].Env[0].Value = "0.2"
	edited.Spec.Template.Spec.Containers[0].VolumeMounts = edited.Spec.Template.Spec.Containers[0].VolumeMounts[:1]

	const ml = "spec.template.spec.containers[ml]."
	for name, tc := range map[string]struct {
		live *batchv1.Job
		want []string
	}{
		"a retry that copied the whole Job":    {retried, nil},
		"defaults, controller and Kueue added": {defaulted(renderedJob()), nil},
		"a retry that copied a trimmed Job": {trimmed, []string{
			"spec.template.spec.affinity",
			ml + "args", ml + "command", ml + "env", ml + "envFrom", ml + "livenessProbe", ml + "readinessProbe",
			ml + "securityContext", ml + "volumeMounts",
			"spec.template.spec.initContainers[fetch].command", "spec.template.spec.initContainers[fetch].volumeMounts",
			"spec.template.spec.tolerations", "spec.template.spec.volumes"}},
		"a value changed, a mount missing": {edited, []string{ml + "env[LR].value", ml + "volumeMounts"}},
	} {
		t.Run(name, func(t *testing.T) {
			rendered := renderedJob()
			CarryOverride(rendered, tc.live)
			got, err := Drift(rendered, fetched(t, tc.live))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("drift (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDriftIgnoresTheOverrideOnlyWhenCarried: the memory a retry set is
// drift unless the rendered Job carries the override, as submit does.
func TestDriftIgnoresTheOverrideOnlyWhenCarried(t *testing.T) {
	live := renderedJob()
	live.Spec.Template.Spec.Containers[0].Resources.Limits[corev1.ResourceMemory] = resource.MustParse("64Mi")
	got, err := Drift(renderedJob(), fetched(t, live))
	if err != nil || len(got) != 1 || !strings.HasSuffix(got[0], "resources.limits.memory") {
		t.Errorf("drift = %v, %v; want the memory limit", got, err)
	}
}
