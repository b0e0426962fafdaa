package eventagg

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

var t0 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func at(sec int) time.Time { return t0.Add(time.Duration(sec) * time.Second) }

func TestFromCore(t *testing.T) {
	obj := corev1.ObjectReference{Kind: "Pod", Name: "exp-0123abcd-x7k2p"}
	tests := map[string]struct {
		in   corev1.Event
		want Event
	}{
		"old-style count and timestamps": {
			in: corev1.Event{
				ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "e1"}, InvolvedObject: obj,
				Type: "Normal", Reason: "Pulled", Message: "already present", Count: 3,
				FirstTimestamp: metav1.NewTime(at(0)), LastTimestamp: metav1.NewTime(at(30)),
				Source: corev1.EventSource{Component: "kubelet"},
			},
			want: Event{ID: "ns/e1", Type: "Normal", Reason: "Pulled", Object: Object{"Pod", "exp-0123abcd-x7k2p"},
				Message: "already present", Count: 3, First: at(0), Last: at(30), Source: "kubelet"},
		},
		"events.k8s.io series": {
			in: corev1.Event{
				ObjectMeta: metav1.ObjectMeta{UID: "u1"}, InvolvedObject: obj,
				Type: "Warning", Reason: "FailedScheduling", Message: "0/1 nodes",
				EventTime: metav1.NewMicroTime(at(0)), ReportingController: "default-scheduler",
				Series: &corev1.EventSeries{Count: 7, LastObservedTime: metav1.NewMicroTime(at(90))},
			},
			want: Event{ID: "u1", Type: "Warning", Reason: "FailedScheduling", Object: Object{"Pod", "exp-0123abcd-x7k2p"},
				Message: "0/1 nodes", Count: 7, First: at(0), Last: at(90), Source: "default-scheduler"},
		},
		"single new-style event": {
			in: corev1.Event{
				ObjectMeta: metav1.ObjectMeta{UID: "u2"}, InvolvedObject: obj, Type: "Normal", Reason: "Scheduled",
				EventTime: metav1.NewMicroTime(at(5)),
			},
			want: Event{ID: "u2", Type: "Normal", Reason: "Scheduled", Object: Object{"Pod", "exp-0123abcd-x7k2p"},
				Count: 1, First: at(5), Last: at(5)},
		},
		"no times at all falls back to creation": {
			in: corev1.Event{
				ObjectMeta: metav1.ObjectMeta{UID: "u3", CreationTimestamp: metav1.NewTime(at(8))}, InvolvedObject: obj,
			},
			want: Event{ID: "u3", Object: Object{"Pod", "exp-0123abcd-x7k2p"}, Count: 1, First: at(8), Last: at(8)},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, FromCore(&tc.in)); diff != "" {
				t.Errorf("FromCore (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	n := NewNormalizer("mnist")
	tests := []struct{ in, want string }{
		{"Successfully assigned e2e/mnist-0123abcd-x7k2p to node-1", "Successfully assigned eNe/<name> to node-N"},
		{"Created pod: mnist-0123abcd-q9zzz", "Created pod: <name>"},
		{"Created pod: mnist-0123abcd0123abcd-3-q9zzz", "Created pod: <name>"},
		{"Job has reached the specified backoff limit", "Job has reached the specified backoff limit"},
		{"0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
			"N/N nodes are available: N Insufficient cpu. preemption: N/N nodes are available: N No preemption victims found for incoming pod."},
		{"Back-off restarting failed container ml in pod mnist-0123abcd-x7k2p_ns(5f0b9c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e)",
			"Back-off restarting failed container ml in pod <name>_ns(<uid>)"},
		{"Killing container with id containerd://4f1c0a9b8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a4938271605f4e3d",
			"Killing container with id containerd://<id>"},
		{"  two\n lines\t", "two lines"},
		{"othermnist-0123abcd stays, mnist-0123abcdX too", "othermnist-Nabcd stays, mnist-NabcdX too"},
		{"mnist-0123abcd mnist-4567abcd,mnist-89abcdef", "<name> <name>,<name>"},
		{"Created Workload: e2e/job-mnist-0123abcd-1a2b3", "Created Workload: eNe/<name>"},
		{"Workload 'e2e/job-mnist-0123abcd-1a2b3' is declared finished", "Workload 'eNe/<name>' is declared finished"},
	}
	for _, tc := range tests {
		if got := n.Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzNormalize checks that normalizing never panics and is idempotent,
// so grouping by the normalized message is stable.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"Successfully assigned e2e/mnist-0123abcd-x7k2p to node-1",
		"0/1 nodes are available: 1 Insufficient cpu.",
		"mnist-0123abcd0123abcd-12-abcde",
		"5f0b9c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e deadbeefcafe1234",
		"mnist-mnist-0123abcd",
		"Created Workload: e2e/job-mnist-0123abcd-1a2b3",
		"job-job-mnist-0123abcd-1a2b3",
	} {
		f.Add("mnist", s)
	}
	f.Add("e2", "e2-abcdefab1 e22-abcdefab")
	f.Fuzz(func(t *testing.T, exp, msg string) {
		if len(validation.IsDNS1123Label(exp)) > 0 {
			return // experiment names are DNS labels
		}
		n := NewNormalizer(exp)
		once := n.Normalize(msg)
		if twice := n.Normalize(once); twice != once {
			t.Fatalf("not idempotent for exp %q: %q -> %q -> %q", exp, msg, once, twice)
		}
	})
}

func ev(id, typ, reason, kind, name, msg string, count int32, first, last int) Event {
	return Event{ID: id, Type: typ, Reason: reason, Object: Object{kind, name}, Message: msg, Count: count, First: at(first), Last: at(last)}
}

func TestAggregate(t *testing.T) {
	const sched = "0/1 nodes are available: 1 Insufficient cpu."
	events := []Event{
		ev("1", "Warning", "FailedScheduling", "Pod", "mnist-0123abcd-aaaaa", sched, 10, 0, 100),
		ev("2", "Warning", "FailedScheduling", "Pod", "mnist-4567abcd-bbbbb", sched, 10, 5, 110),
		ev("3", "Normal", "Scheduled", "Pod", "mnist-0123abcd-aaaaa", "Successfully assigned ns/mnist-0123abcd-aaaaa to n1", 1, 120, 120),
		ev("4", "Normal", "Scheduled", "Pod", "mnist-4567abcd-bbbbb", "Successfully assigned ns/mnist-4567abcd-bbbbb to n1", 1, 130, 130),
		ev("5", "Warning", "BackoffLimitExceeded", "Job", "mnist-0123abcd", "Job has reached the specified backoff limit", 1, 200, 200),
		ev("6", "Normal", "SuccessfulCreate", "Job", "mnist-0123abcd", "Created pod: mnist-0123abcd-aaaaa", 1, 0, 0),
	}
	want := []Group{
		{Type: "Normal", Reason: "SuccessfulCreate", Kind: "Job", Message: "Created pod: mnist-0123abcd-aaaaa", Count: 1,
			Objects: []string{"mnist-0123abcd"}, First: at(0), Last: at(0)},
		{Type: "Warning", Reason: "FailedScheduling", Kind: "Pod", Message: sched, Count: 20,
			Objects: []string{"mnist-0123abcd-aaaaa", "mnist-4567abcd-bbbbb"}, First: at(0), Last: at(110)},
		{Type: "Normal", Reason: "Scheduled", Kind: "Pod", Message: "Successfully assigned ns/mnist-4567abcd-bbbbb to n1", Count: 2,
			Objects: []string{"mnist-0123abcd-aaaaa", "mnist-4567abcd-bbbbb"}, First: at(120), Last: at(130)},
		{Type: "Warning", Reason: "BackoffLimitExceeded", Kind: "Job", Message: "Job has reached the specified backoff limit", Count: 1,
			Objects: []string{"mnist-0123abcd"}, First: at(200), Last: at(200)},
	}
	if diff := cmp.Diff(want, Aggregate(events, NewNormalizer("mnist"))); diff != "" {
		t.Errorf("Aggregate (-want +got):\n%s", diff)
	}
}

func TestAggregatorReplacesNewerVersion(t *testing.T) {
	a := NewAggregator(NewNormalizer("mnist"))
	a.Add(ev("1", "Warning", "FailedScheduling", "Pod", "mnist-0123abcd-aaaaa", "0/1 nodes", 3, 0, 30))
	newer := ev("1", "Warning", "FailedScheduling", "Pod", "mnist-0123abcd-aaaaa", "0/1 nodes", 5, 0, 60)
	a.Add(newer)
	got, _ := a.Group(a.KeyOf(newer))
	want := Group{Type: "Warning", Reason: "FailedScheduling", Kind: "Pod", Message: "0/1 nodes", Count: 5,
		Objects: []string{"mnist-0123abcd-aaaaa"}, First: at(0), Last: at(60)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Add (-want +got):\n%s", diff)
	}
	k := a.KeyOf(ev("1", "Warning", "FailedScheduling", "Pod", "mnist-4567abcd-bbbbb", "0/2 nodes", 1, 0, 0))
	if g, ok := a.Group(k); !ok || g.Count != 5 {
		t.Errorf("Group(%+v) = %+v, %v; want the group of count 5", k, g, ok)
	}
	// A message that now normalizes differently moves the event to another group.
	a.Add(ev("1", "Warning", "FailedScheduling", "Pod", "mnist-0123abcd-aaaaa", "0/1 nodes are full", 6, 0, 70))
	if gs := a.Groups(); len(gs) != 1 || gs[0].Message != "0/1 nodes are full" || gs[0].Count != 6 {
		t.Errorf("Groups after a changed message = %+v", gs)
	}
}

func TestSortAndFilter(t *testing.T) {
	events := []Event{
		ev("1", "Normal", "B", "Pod", "b", "", 1, 0, 20),
		ev("2", "Warning", "A", "Pod", "a", "", 1, 0, 10),
		ev("3", "Normal", "C", "Pod", "a", "", 1, 0, 20),
	}
	SortByTime(events)
	var got []string
	for _, e := range FilterTypes(events, []string{"normal"}) {
		got = append(got, e.ID)
	}
	if diff := cmp.Diff([]string{"3", "1"}, got); diff != "" {
		t.Errorf("SortByTime+FilterTypes (-want +got):\n%s", diff)
	}
	if n := len(FilterTypes(events, nil)); n != 3 {
		t.Errorf("FilterTypes(nil) kept %d events, want 3", n)
	}
	if s := (Object{Kind: "Pod", Name: "p"}).String(); s != "pod/p" {
		t.Errorf("Object.String() = %q", s)
	}
}
