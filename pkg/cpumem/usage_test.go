package cpumem

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metricsv1beta1 "k8s.io/metrics/pkg/apis/metrics/v1beta1"
)

// list builds a ResourceList from "cpu" and "memory" quantities ("" = unset).
func list(cpu, mem string) corev1.ResourceList {
	l := corev1.ResourceList{}
	if cpu != "" {
		l[corev1.ResourceCPU] = resource.MustParse(cpu)
	}
	if mem != "" {
		l[corev1.ResourceMemory] = resource.MustParse(mem)
	}
	return l
}

func container(name string, req, lim corev1.ResourceList) corev1.Container {
	return corev1.Container{Name: name, Resources: corev1.ResourceRequirements{Requests: req, Limits: lim}}
}

func pod(name, node string, cs ...corev1.Container) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"},
		Spec:       corev1.PodSpec{NodeName: node, Containers: cs},
	}
}

func podMetrics(name string, cs ...metricsv1beta1.ContainerMetrics) metricsv1beta1.PodMetrics {
	return metricsv1beta1.PodMetrics{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"}, Containers: cs}
}

func cm(name, cpu, mem string) metricsv1beta1.ContainerMetrics {
	return metricsv1beta1.ContainerMetrics{Name: name, Usage: list(cpu, mem)}
}

func i64(v int64) *int64     { return &v }
func f64(v float64) *float64 { return &v }

func TestJoin(t *testing.T) {
	always := corev1.ContainerRestartPolicyAlways
	sidecar := container("proxy", list("100m", "16Mi"), list("200m", "32Mi"))
	sidecar.RestartPolicy = &always
	withSidecar := pod("p-sidecar", "n1", container("ml", list("500m", "1Gi"), list("1", "2Gi")))
	withSidecar.Spec.InitContainers = []corev1.Container{sidecar, container("init", list("2", ""), nil)}
	podLevel := pod("p-podlevel", "n1", container("ml", list("500m", ""), nil))
	podLevel.Spec.Resources = &corev1.ResourceRequirements{Limits: list("2", "1Gi")}

	tests := map[string]struct {
		pod     *corev1.Pod
		metrics []metricsv1beta1.PodMetrics
		want    Row
	}{
		"one container with a sample": {
			pod:     pod("p1", "n1", container("ml", list("500m", "1Gi"), list("1", "2Gi"))),
			metrics: []metricsv1beta1.PodMetrics{podMetrics("p1", cm("ml", "998m", "512Mi"))},
			want: Row{
				Trial: "t", Pod: "p1", Node: "n1",
				Usage:           &Resources{CPU: i64(998), Memory: i64(512 << 20)},
				Requests:        Resources{CPU: i64(500), Memory: i64(1 << 30)},
				Limits:          Resources{CPU: i64(1000), Memory: i64(2 << 30)},
				CPULimitPercent: f64(99.8), MemoryLimitPercent: f64(25),
				Containers: []Container{{
					Name: "ml", Usage: &Resources{CPU: i64(998), Memory: i64(512 << 20)},
					Requests:        Resources{CPU: i64(500), Memory: i64(1 << 30)},
					Limits:          Resources{CPU: i64(1000), Memory: i64(2 << 30)},
					CPULimitPercent: f64(99.8), MemoryLimitPercent: f64(25),
				}},
			},
		},
		"no sample yet": {
			pod:     pod("p1", "n1", container("ml", nil, list("", "32Mi"))),
			metrics: []metricsv1beta1.PodMetrics{podMetrics("other", cm("ml", "1", "1Mi"))},
			want: Row{
				Trial: "t", Pod: "p1", Node: "n1",
				Limits:     Resources{Memory: i64(32 << 20)},
				Containers: []Container{{Name: "ml", Limits: Resources{Memory: i64(32 << 20)}}},
			},
		},
		"percent is the container nearest its limit; an unlimited container unbounds the pod": {
			pod: pod("p2", "n1",
				container("a", nil, list("1", "100Mi")),
				container("b", nil, list("", "100Mi")),
				container("c", nil, nil)),
			metrics: []metricsv1beta1.PodMetrics{podMetrics("p2", cm("a", "100m", "10Mi"), cm("b", "300m", "90Mi"), cm("c", "1", "500Mi"))},
			want: Row{
				Trial: "t", Pod: "p2", Node: "n1",
				Usage:           &Resources{CPU: i64(1400), Memory: i64(600 << 20)},
				CPULimitPercent: f64(10), MemoryLimitPercent: f64(90),
				Containers: []Container{
					{Name: "a", Usage: &Resources{CPU: i64(100), Memory: i64(10 << 20)}, Limits: Resources{CPU: i64(1000), Memory: i64(100 << 20)}, CPULimitPercent: f64(10), MemoryLimitPercent: f64(10)},
					{Name: "b", Usage: &Resources{CPU: i64(300), Memory: i64(90 << 20)}, Limits: Resources{Memory: i64(100 << 20)}, MemoryLimitPercent: f64(90)},
					{Name: "c", Usage: &Resources{CPU: i64(1000), Memory: i64(500 << 20)}},
				},
			},
		},
		"sidecars count, plain init containers do not": {
			pod:     withSidecar,
			metrics: []metricsv1beta1.PodMetrics{podMetrics("p-sidecar", cm("ml", "500m", "1Gi"), cm("proxy", "10m", "16Mi"))},
			want: Row{
				Trial: "t", Pod: "p-sidecar", Node: "n1",
				Usage:           &Resources{CPU: i64(510), Memory: i64(1040 << 20)},
				Requests:        Resources{CPU: i64(600), Memory: i64(1040 << 20)},
				Limits:          Resources{CPU: i64(1200), Memory: i64(2080 << 20)},
				CPULimitPercent: f64(50), MemoryLimitPercent: f64(50),
				Containers: []Container{
					{Name: "proxy", Usage: &Resources{CPU: i64(10), Memory: i64(16 << 20)}, Requests: Resources{CPU: i64(100), Memory: i64(16 << 20)}, Limits: Resources{CPU: i64(200), Memory: i64(32 << 20)}, CPULimitPercent: f64(5), MemoryLimitPercent: f64(50)},
					{Name: "ml", Usage: &Resources{CPU: i64(500), Memory: i64(1 << 30)}, Requests: Resources{CPU: i64(500), Memory: i64(1 << 30)}, Limits: Resources{CPU: i64(1000), Memory: i64(2 << 30)}, CPULimitPercent: f64(50), MemoryLimitPercent: f64(50)},
				},
			},
		},
		"pod-level limits bound the pod": {
			pod:     podLevel,
			metrics: []metricsv1beta1.PodMetrics{podMetrics("p-podlevel", cm("ml", "1", "768Mi"))},
			want: Row{
				Trial: "t", Pod: "p-podlevel", Node: "n1",
				Usage:           &Resources{CPU: i64(1000), Memory: i64(768 << 20)},
				Requests:        Resources{CPU: i64(500)},
				Limits:          Resources{CPU: i64(2000), Memory: i64(1 << 30)},
				CPULimitPercent: f64(50), MemoryLimitPercent: f64(75),
				Containers: []Container{{Name: "ml", Usage: &Resources{CPU: i64(1000), Memory: i64(768 << 20)}, Requests: Resources{CPU: i64(500)}}},
			},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := Join([]Trial{{Name: "t", Pod: tc.pod}}, tc.metrics)
			if diff := cmp.Diff([]Row{tc.want}, got); diff != "" {
				t.Errorf("Join (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSum(t *testing.T) {
	full := Row{Usage: &Resources{CPU: i64(500), Memory: i64(100)}, Requests: Resources{CPU: i64(250)}, Limits: Resources{CPU: i64(1000), Memory: i64(400)}}
	noSample := Row{Requests: Resources{CPU: i64(250), Memory: i64(50)}, Limits: Resources{CPU: i64(1000), Memory: i64(400)}}
	noLimit := Row{Usage: &Resources{CPU: i64(100), Memory: i64(100)}, Limits: Resources{Memory: i64(100)}}
	tests := map[string]struct {
		rows []Row
		want Total
	}{
		"none": {want: Total{}},
		"all measured and limited": {
			rows: []Row{full, full},
			want: Total{Trials: 2, Usage: Resources{CPU: i64(1000), Memory: i64(200)}, Requests: Resources{CPU: i64(500)},
				Limits: Resources{CPU: i64(2000), Memory: i64(800)}, CPULimitPercent: f64(50), MemoryLimitPercent: f64(25)},
		},
		"a trial without a sample leaves percents out": {
			rows: []Row{full, noSample},
			want: Total{Trials: 2, NoSample: 1, Usage: Resources{CPU: i64(500), Memory: i64(100)}, Requests: Resources{CPU: i64(500), Memory: i64(50)},
				Limits: Resources{CPU: i64(2000), Memory: i64(800)}},
		},
		"a trial without a cpu limit unbounds the total cpu": {
			rows: []Row{full, noLimit},
			want: Total{Trials: 2, Usage: Resources{CPU: i64(600), Memory: i64(200)}, Requests: Resources{CPU: i64(250)},
				Limits: Resources{Memory: i64(500)}, MemoryLimitPercent: f64(40)},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Sum(tc.rows)); diff != "" {
				t.Errorf("Sum (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSort(t *testing.T) {
	rows := []Row{
		{Trial: "a", Usage: &Resources{CPU: i64(100), Memory: i64(300)}, MemoryLimitPercent: f64(10)},
		{Trial: "b"},
		{Trial: "c", Usage: &Resources{CPU: i64(900), Memory: i64(100)}, MemoryLimitPercent: f64(95), CPULimitPercent: f64(90)},
		{Trial: "d", Usage: &Resources{CPU: i64(100), Memory: i64(200)}},
	}
	tests := map[SortBy][]string{
		ByTrial:              {"a", "b", "c", "d"},
		ByCPU:                {"c", "a", "d", "b"},
		ByMemory:             {"a", "d", "c", "b"},
		ByMemoryLimitPercent: {"c", "a", "b", "d"},
		ByCPULimitPercent:    {"c", "a", "b", "d"},
	}
	for by, want := range tests {
		t.Run(string(by), func(t *testing.T) {
			rs := append([]Row(nil), rows...)
			Sort(rs, by)
			var got []string
			for _, r := range rs {
				got = append(got, r.Trial)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Sort(%q) (-want +got):\n%s", by, diff)
			}
		})
	}
}

func TestParseSortBy(t *testing.T) {
	for _, s := range []string{"", "cpu", "memory", "memory-limit-percent", "cpu-limit-percent"} {
		if got, err := ParseSortBy(s); err != nil || string(got) != s {
			t.Errorf("ParseSortBy(%q) = %q, %v", s, got, err)
		}
	}
	if _, err := ParseSortBy("name"); err == nil {
		t.Error("ParseSortBy(name): no error")
	}
}

func TestNodes(t *testing.T) {
	rows := []Row{
		{Node: "n2", Usage: &Resources{CPU: i64(500), Memory: i64(1 << 30)}},
		{Node: "n1", Usage: &Resources{CPU: i64(250), Memory: i64(512 << 20)}},
		{Node: "n1"},
		{Node: ""},
	}
	nodes := []corev1.Node{
		{ObjectMeta: metav1.ObjectMeta{Name: "n1"}, Status: corev1.NodeStatus{Allocatable: list("2", "8Gi")}},
		{ObjectMeta: metav1.ObjectMeta{Name: "n3"}, Status: corev1.NodeStatus{Allocatable: list("2", "8Gi")}},
	}
	metrics := []metricsv1beta1.NodeMetrics{
		{ObjectMeta: metav1.ObjectMeta{Name: "n1"}, Usage: list("1", "2Gi")},
		{ObjectMeta: metav1.ObjectMeta{Name: "n2"}, Usage: list("1500m", "3Gi")},
	}
	want := []Node{
		{Name: "n1", Trials: 2, Usage: &Resources{CPU: i64(1000), Memory: i64(2 << 30)}, Allocatable: Resources{CPU: i64(2000), Memory: i64(8 << 30)},
			CPUPercent: f64(50), MemoryPercent: f64(25), Experiment: Resources{CPU: i64(250), Memory: i64(512 << 20)}},
		{Name: "n2", Trials: 1, Usage: &Resources{CPU: i64(1500), Memory: i64(3 << 30)}, Experiment: Resources{CPU: i64(500), Memory: i64(1 << 30)}},
	}
	if diff := cmp.Diff(want, Nodes(rows, nodes, metrics)); diff != "" {
		t.Errorf("Nodes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"n1", "n2"}, NodeNames(rows)); diff != "" {
		t.Errorf("NodeNames (-want +got):\n%s", diff)
	}
}
