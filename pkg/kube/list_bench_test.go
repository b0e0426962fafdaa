package kube

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"sync"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
)

// benchTrials is the simulated experiment's size: issue 22's 10,000.
const benchTrials = 10000

// scaleServer serves benchTrials finished Jobs and their pods, shaped as
// submit writes them and as the Job controller and kubelet leave them, in
// protobuf pages of the requested limit, as the API server does.
func scaleServer(b *testing.B) *httptest.Server {
	ser := protobuf.NewSerializer(scheme.Scheme, scheme.Scheme)
	jobs, pods := make([]batchv1.Job, benchTrials), make([]corev1.Pod, benchTrials)
	for i := range jobs {
		jobs[i], pods[i] = simulatedTrial(i)
	}
	encode := func(obj k8sruntime.Object) []byte {
		var buf bytes.Buffer
		if err := ser.Encode(obj, &buf); err != nil {
			b.Fatal(err)
		}
		return buf.Bytes()
	}
	page := func(r *http.Request, items int, list func(start, end int, next string) k8sruntime.Object) []byte {
		start, _ := strconv.Atoi(r.URL.Query().Get("continue"))
		end := items
		if l, _ := strconv.Atoi(r.URL.Query().Get("limit")); l > 0 {
			end = min(items, start+l)
		}
		next := ""
		if end < items {
			next = strconv.Itoa(end)
		}
		return encode(list(start, end, next))
	}
	// Pages are encoded once: what the walks allocate is the client's.
	var mu sync.Mutex
	cache := map[string][]byte{}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		body, ok := cache[r.URL.RequestURI()]
		if ok {
			w.Header().Set("Content-Type", k8sruntime.ContentTypeProtobuf)
			_, _ = w.Write(body)
			return
		}
		defer func() { cache[r.URL.RequestURI()] = body }()
		switch r.URL.Path {
		case "/apis/batch/v1/namespaces/ns/jobs":
			body = page(r, len(jobs), func(s, e int, next string) k8sruntime.Object {
				return &batchv1.JobList{TypeMeta: metav1.TypeMeta{APIVersion: "batch/v1", Kind: "JobList"}, ListMeta: metav1.ListMeta{Continue: next}, Items: jobs[s:e]}
			})
		case "/api/v1/namespaces/ns/pods":
			body = page(r, len(pods), func(s, e int, next string) k8sruntime.Object {
				return &corev1.PodList{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "PodList"}, ListMeta: metav1.ListMeta{Continue: next}, Items: pods[s:e]}
			})
		default:
			http.Error(w, "not here", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", k8sruntime.ContentTypeProtobuf)
		_, _ = w.Write(body)
	}))
}

// simulatedTrial returns trial i's finished Job and its pod, with the
// labels, annotations, template and status a real one carries.
func simulatedTrial(i int) (batchv1.Job, corev1.Pod) {
	name := fmt.Sprintf("scale-%08x", i)
	labels := map[string]string{"mlexp.dev/experiment": "scale", "mlexp.dev/trial": name, "bench-part": fmt.Sprintf("p%d", i/50)}
	ann := map[string]string{
		"mlexp.dev/params": fmt.Sprintf(`{"i":%d,"lr":0.001,"part":%d}`, i%50, i/50), "mlexp.dev/index": strconv.Itoa(i),
		"mlexp.dev/spec-hash": fmt.Sprintf("%064x", i), "mlexp.dev/results-spec": `{"metric":"test_accuracy","goal":"max"}`,
		"mlexp.dev/results": fmt.Sprintf(`{"source":"log","pod":"%s-abcde","metrics":{"test_accuracy":0.%d}}`, name, i),
	}
	container := corev1.Container{Name: "train", Image: "busybox:1.36", Command: []string{"sh", "-c", "echo part ${part} trial ${i}; echo Test accuracy: 0.${i}"},
		Env:       []corev1.EnvVar{{Name: "i", Value: strconv.Itoa(i % 50)}, {Name: "lr", Value: "0.001"}, {Name: "part", Value: strconv.Itoa(i / 50)}},
		Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m"), corev1.ResourceMemory: resource.MustParse("64Mi")}}}
	spec := corev1.PodSpec{Containers: []corev1.Container{container}, RestartPolicy: corev1.RestartPolicyNever,
		NodeSelector: map[string]string{"type": "kwok"}, Tolerations: []corev1.Toleration{{Key: "kwok.x-k8s.io/node", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}}}
	mf := []metav1.ManagedFieldsEntry{{Manager: "kubectl-mlexp", Operation: metav1.ManagedFieldsOperationApply, APIVersion: "batch/v1",
		FieldsType: "FieldsV1", FieldsV1: &metav1.FieldsV1{Raw: bytes.Repeat([]byte(`{"f:metadata":{}}`), 40)}}}
	t0 := metav1.Unix(1_800_000_000+int64(i), 0)
	job := batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", UID: types.UID("uid-" + k8stypesUID(i)), Labels: labels, Annotations: ann, CreationTimestamp: t0, ManagedFields: mf},
		Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels}, Spec: spec}},
		Status: batchv1.JobStatus{Succeeded: 1, StartTime: &t0, CompletionTime: &t0, Conditions: []batchv1.JobCondition{
			{Type: batchv1.JobSuccessCriteriaMet, Status: corev1.ConditionTrue, LastTransitionTime: t0},
			{Type: batchv1.JobComplete, Status: corev1.ConditionTrue, LastTransitionTime: t0}}}}
	podLabels := map[string]string{"batch.kubernetes.io/job-name": name, "job-name": name, "controller-uid": "uid-" + k8stypesUID(i)}
	for k, v := range labels {
		podLabels[k] = v
	}
	pod := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name + "-abcde", Namespace: "ns", Labels: podLabels, CreationTimestamp: t0, ManagedFields: mf,
		OwnerReferences: []metav1.OwnerReference{{APIVersion: "batch/v1", Kind: "Job", Name: name, UID: "uid"}}},
		Spec: spec, Status: corev1.PodStatus{Phase: corev1.PodSucceeded, HostIP: "10.0.0.1", PodIP: "10.244.0.1", StartTime: &t0,
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionFalse, Reason: "PodCompleted", LastTransitionTime: t0},
				{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: t0}},
			ContainerStatuses: []corev1.ContainerStatus{{Name: "train", Image: "busybox:1.36", ImageID: "docker.io/library/busybox@sha256:0000",
				ContainerID: "containerd://" + fmt.Sprintf("%064x", i),
				State:       corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 0, Reason: "Completed", StartedAt: t0, FinishedAt: t0}}}}}}
	return job, pod
}

func k8stypesUID(i int) string { return fmt.Sprintf("%08x-0000-0000-0000-000000000000", i) }

// writeHeapProfile writes the heap profile to path.
func writeHeapProfile(b *testing.B, path string) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkListJobsAndPods10k lists a finished 10,000-trial experiment's
// Jobs and pods as status, list, results and top do, through a protobuf
// client, and reports the memory the result keeps alive per trial
// (live-B/trial) beside what the walk allocated. MLEXP_LIVE_HEAP_PROFILE
// names a heap profile written while the lists are alive, which shows
// where that memory is (-memprofile shows what the walk allocated):
//
//	MLEXP_LIVE_HEAP_PROFILE=live.pprof go test -run XXX -bench ListJobsAndPods10k -benchtime 3x ./pkg/kube
//	go tool pprof -sample_index=inuse_space -top live.pprof
func BenchmarkListJobsAndPods10k(b *testing.B) {
	srv := scaleServer(b)
	defer srv.Close()
	c, err := kubernetes.NewForConfig(Protobuf(&rest.Config{Host: srv.URL, QPS: -1}))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, _, err := ListJobsAndPods(ctx, c, "ns", "mlexp.dev/experiment=scale"); err != nil {
		b.Fatal(err) // fills the server's page cache: live memory is then the client's
	}
	var live uint64
	b.ReportAllocs()
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		jobs, pods, err := ListJobsAndPods(ctx, c, "ns", "mlexp.dev/experiment=scale")
		if err != nil || len(jobs) != benchTrials || len(pods) != benchTrials {
			b.Fatalf("%d jobs, %d pods, %v", len(jobs), len(pods), err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		live = max(live, after.HeapAlloc-min(before.HeapAlloc, after.HeapAlloc))
		if path := os.Getenv("MLEXP_LIVE_HEAP_PROFILE"); path != "" {
			writeHeapProfile(b, path) // while the lists are alive
		}
		runtime.KeepAlive(jobs)
		runtime.KeepAlive(pods)
	}
	b.ReportMetric(float64(live)/benchTrials, "live-B/trial")
}
