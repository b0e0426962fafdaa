package cpumem

import (
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

func TestPeak(t *testing.T) {
	i := func(v int64) *int64 { return &v }
	var p Peak
	p = p.Add(Resources{CPU: i(300), Memory: i(10 << 20)})
	p = p.Add(Resources{CPU: i(900), Memory: i(8 << 20)})
	p = p.Add(Resources{Memory: i(12 << 20)})
	if *p.CPU != 900 || *p.Memory != 12<<20 || p.Samples != 3 {
		t.Errorf("peak = %s", p.Encode())
	}
	back, err := DecodePeak(p.Encode())
	if err != nil || back.Raised(p) || p.Raised(back) || back.Samples != 3 {
		t.Errorf("round trip %s: %+v, %v", p.Encode(), back, err)
	}
	if !p.Raised(Peak{}) || (Peak{}).Raised(p) || !p.Merge(Peak{CPU: i(1000)}).Raised(p) {
		t.Errorf("Raised/Merge wrong")
	}
	if _, err := DecodePeak("{"); err == nil {
		t.Errorf("bad JSON accepted")
	}
}

func TestPodLimits(t *testing.T) {
	c := func(cpu, mem string) corev1.Container {
		l := corev1.ResourceList{}
		if cpu != "" {
			l[corev1.ResourceCPU] = resource.MustParse(cpu)
		}
		if mem != "" {
			l[corev1.ResourceMemory] = resource.MustParse(mem)
		}
		return corev1.Container{Resources: corev1.ResourceRequirements{Limits: l}}
	}
	got := PodLimits(&corev1.PodSpec{Containers: []corev1.Container{c("1", "64Mi"), c("500m", "")}})
	if *got.CPU != 1500 || got.Memory != nil {
		t.Errorf("two containers: %+v (memory unbounded: one has no limit)", got)
	}
	spec := &corev1.PodSpec{Containers: []corev1.Container{c("", "")}, Resources: &corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi")}}}
	if got := PodLimits(spec); got.CPU != nil || *got.Memory != 1<<30 {
		t.Errorf("pod-level limit: %+v", got)
	}
}

// TestPeakReadsBackInTrial: pkg/trial reads the memory of the annotation
// Peak writes (to tell an OOM kill the runtime did not report), without
// importing this package; the format must stay the one both read.
func TestPeakReadsBackInTrial(t *testing.T) {
	mem := int64(30 << 20)
	job := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{
		keys.PeakUsage: Peak{}.Add(Resources{Memory: &mem}).Encode()}}}
	if got, ok := trial.PeakMemory(job); !ok || got != mem {
		t.Errorf("trial.PeakMemory = %d, %v; want %d", got, ok, mem)
	}
}
