package kueue_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
	"github.com/mlexp/kubectl-mlexp/pkg/kueue"
	"github.com/mlexp/kubectl-mlexp/pkg/kueue/kueuefake"
)

var t0 = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

// job returns a Job in LocalQueue team-a, of no experiment, created
// created seconds after t0.
func job(name string, created int) *batchv1.Job {
	return kubefake.Job("ml", "", name, kubefake.UID(), kubefake.Created(t0.Add(time.Duration(created)*time.Second)),
		kubefake.Labels(map[string]string{keys.Experiment: "", keys.Trial: "", keys.KueueQueueName: "team-a"}))
}

func TestDiscover(t *testing.T) {
	cases := map[string]struct {
		served []string
		want   string
		gets   int
	}{
		"v1beta2":       {served: []string{"v1beta2", "v1beta1"}, want: "v1beta2", gets: 1},
		"only v1beta1":  {served: []string{"v1beta1"}, want: "v1beta1", gets: 2},
		"not installed": {want: "", gets: 2},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := fake.NewClientset()
			for _, v := range tc.served {
				kueuefake.Serve(c, v)
			}
			api, err := kueue.Discover(context.Background(), c.Discovery())
			if err != nil {
				t.Fatal(err)
			}
			if api.Version != tc.want || api.Installed() != (tc.want != "") {
				t.Errorf("Discover = %+v, want version %q", api, tc.want)
			}
			if n := len(c.Actions()); n != tc.gets {
				t.Errorf("%d discovery calls, want %d", n, tc.gets)
			}
		})
	}
}

func TestClientListsInTheServedVersion(t *testing.T) {
	for _, v := range kueue.Versions {
		t.Run(v, func(t *testing.T) {
			c := fake.NewClientset()
			kueuefake.Serve(c, v)
			j := job("exp-a", 0)
			dyn := kueuefake.NewDynamic(kueuefake.Workload(v, j, kueuefake.Pending("couldn't assign flavors to pod set main: insufficient unused quota for cpu in flavor default, 500m more needed")),
				kueuefake.LocalQueue(v, "ml", "team-a", "cq"))
			kc, err := kueue.NewClient(context.Background(), &kubefake.Getter{NS: "ml", Client: c, Dynamic: dyn}, c)
			if err != nil {
				t.Fatal(err)
			}
			wls, err := kc.Workloads(context.Background(), "ml")
			if err != nil {
				t.Fatal(err)
			}
			if len(wls) != 1 || wls[0].JobUID() != j.UID || wls[0].Spec.QueueName != "team-a" || !wls[0].IsPending() {
				t.Fatalf("Workloads = %+v, want one pending Workload of %s in team-a", wls, j.Name)
			}
			if c := wls[0].Condition(kueue.CondQuotaReserved); c == nil || c.Reason != "Pending" || !strings.Contains(c.Message, "500m more needed") {
				t.Errorf("QuotaReserved condition = %+v", c)
			}
			lqs, err := kueue.ListLocalQueues(context.Background(), dyn, kc.API, "ml")
			if err != nil || len(lqs) != 1 || lqs[0].Name != "team-a" || lqs[0].Spec.ClusterQueue != "cq" {
				t.Errorf("LocalQueues = %+v, %v", lqs, err)
			}
		})
	}
}

func TestClientWithoutKueue(t *testing.T) {
	c := fake.NewClientset()
	kc, err := kueue.NewClient(context.Background(), &kubefake.Getter{NS: "ml", Client: c}, c)
	if err != nil {
		t.Fatal(err)
	}
	wls, err := kc.Workloads(context.Background(), "ml")
	if err != nil || wls != nil || kc.Dynamic != nil {
		t.Errorf("without Kueue: Workloads = %v, %v; dynamic client %v", wls, err, kc.Dynamic)
	}
}

func decode(t *testing.T, objs ...runtime.Object) []kueue.Workload {
	t.Helper()
	kc := &kueue.Client{API: kueue.API{Version: "v1beta2"}, Dynamic: kueuefake.NewDynamic(objs...)}
	wls, err := kc.Workloads(context.Background(), "ml")
	if err != nil {
		t.Fatal(err)
	}
	return wls
}

func TestByJob(t *testing.T) {
	a, b := job("exp-a", 0), job("exp-b", 1)
	old := kueuefake.Workload("v1beta2", a, kueuefake.Condition(kueue.CondFinished, metav1.ConditionTrue, "Succeeded", ""))
	old.SetName("job-exp-a-old")
	old.SetUID("old")
	byLabel := kueuefake.Workload("v1beta2", b)
	byLabel.SetOwnerReferences(nil)
	wls := decode(t, old, kueuefake.Workload("v1beta2", a), byLabel)
	got := map[types.UID]string{}
	for uid, w := range kueue.ByJob(wls) {
		got[uid] = w.Name
	}
	want := map[types.UID]string{a.UID: "job-exp-a-1a2b3", b.UID: "job-exp-b-1a2b3"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ByJob (-want +got):\n%s", diff)
	}
}

// TestPositions: Kueue's order within a LocalQueue is priority (higher
// first), then the queue timestamp, then UID; admitted, finished and
// deactivated Workloads are not in line.
func TestPositions(t *testing.T) {
	prio := func(p int32) func(*kueue.Workload) { return func(w *kueue.Workload) { w.Spec.Priority = &p } }
	otherQueue := func(w *kueue.Workload) { w.Spec.QueueName = "team-b" }
	evictedLate := kueuefake.Condition(kueue.CondEvicted, metav1.ConditionTrue, "PodsReadyTimeout", "")
	objs := []runtime.Object{
		kueuefake.Workload("v1beta2", job("a", 0)),
		kueuefake.Workload("v1beta2", job("b", 1), prio(10)),
		kueuefake.Workload("v1beta2", job("c", 2), kueuefake.Admitted("cq")),
		kueuefake.Workload("v1beta2", job("d", 3)),
		kueuefake.Workload("v1beta2", job("e", 4), kueuefake.Inactive),
		kueuefake.Workload("v1beta2", job("f", 5), otherQueue),
		kueuefake.Workload("v1beta2", job("g", -10), func(w *kueue.Workload) {
			evictedLate(w)
			w.Status.Conditions[0].LastTransitionTime = metav1.NewTime(t0.Add(time.Hour))
		}),
	}
	pos := kueue.Positions(decode(t, objs...))
	got := map[string]kueue.Position{}
	for uid, p := range pos {
		got[strings.TrimPrefix(string(uid), "wl-uid-")] = p
	}
	want := map[string]kueue.Position{
		"b": {Index: 1, Of: 4}, "a": {Index: 2, Of: 4}, "d": {Index: 3, Of: 4}, "g": {Index: 4, Of: 4},
		"f": {Index: 1, Of: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Positions (-want +got):\n%s", diff)
	}
}

func TestSetActive(t *testing.T) {
	j := job("exp-a", 0)
	dyn := kueuefake.NewDynamic(kueuefake.Workload("v1beta2", j))
	api := kueue.API{Version: "v1beta2"}
	if err := kueue.SetActive(context.Background(), dyn, api, "ml", "job-exp-a-1a2b3", false, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	kc := &kueue.Client{API: api, Dynamic: dyn}
	wls, err := kc.Workloads(context.Background(), "ml")
	if err != nil {
		t.Fatal(err)
	}
	if wls[0].IsActive() || wls[0].IsPending() {
		t.Errorf("after SetActive(false): spec.active = %v, want false and not pending", wls[0].Spec.Active)
	}
}
