package kube

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// pager serves a list of n objects page by page, as an API server does:
// at most Limit items, and a Continue token while more are left. It
// records the options of every call.
type pager struct {
	n     int
	calls []metav1.ListOptions
}

func (p *pager) page(a k8stesting.Action) (start, end int, cont string, err error) {
	o := a.(k8stesting.ListActionImpl).ListOptions
	p.calls = append(p.calls, o)
	if o.Continue != "" {
		if start, err = strconv.Atoi(o.Continue); err != nil {
			return 0, 0, "", fmt.Errorf("bad continue token %q", o.Continue)
		}
	}
	end = p.n
	if o.Limit > 0 && start+int(o.Limit) < p.n {
		end = start + int(o.Limit)
		cont = strconv.Itoa(end)
	}
	return start, end, cont, nil
}

// ab is the label the lists select by (a fake clientset filters by it).
var ab = map[string]string{"a": "b"}

func (p *pager) jobs(a k8stesting.Action) (bool, runtime.Object, error) {
	start, end, cont, err := p.page(a)
	l := &batchv1.JobList{ListMeta: metav1.ListMeta{Continue: cont}}
	for i := start; i < end; i++ {
		l.Items = append(l.Items, batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("job-%05d", i), Labels: ab}})
	}
	return true, l, err
}

func (p *pager) pods(a k8stesting.Action) (bool, runtime.Object, error) {
	start, end, cont, err := p.page(a)
	l := &corev1.PodList{ListMeta: metav1.ListMeta{Continue: cont}}
	for i := start; i < end; i++ {
		l.Items = append(l.Items, corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("pod-%05d", i), Labels: ab}})
	}
	return true, l, err
}

func (p *pager) events(a k8stesting.Action) (bool, runtime.Object, error) {
	start, end, cont, err := p.page(a)
	l := &corev1.EventList{ListMeta: metav1.ListMeta{Continue: cont}}
	for i := start; i < end; i++ {
		l.Items = append(l.Items, corev1.Event{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("ev-%05d", i)}})
	}
	return true, l, err
}

// TestListFollowsContinue: every list asks PageSize items at a time with
// the selector, follows the Continue tokens to the end, and returns every
// item once, in order.
func TestListFollowsContinue(t *testing.T) {
	ps := int(PageSize)
	for _, n := range []int{0, 1, ps, ps + 1, 3*ps + 7} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			c := fake.NewClientset()
			jp, pp, ep := &pager{n: n}, &pager{n: n}, &pager{n: n}
			c.PrependReactor("list", "jobs", jp.jobs)
			c.PrependReactor("list", "pods", pp.pods)
			c.PrependReactor("list", "events", ep.events)
			jobs, pods, err := ListJobsAndPods(context.Background(), c, "ns", "a=b")
			if err != nil {
				t.Fatal(err)
			}
			events, err := ListEvents(context.Background(), c, "ns")
			if err != nil {
				t.Fatal(err)
			}
			names := func(get func(i int) string, count int) error {
				if count != n {
					return fmt.Errorf("%d items, want %d", count, n)
				}
				for i := range count {
					if got, want := get(i), fmt.Sprintf("%05d", i); got[len(got)-5:] != want {
						return fmt.Errorf("item %d is %s", i, got)
					}
				}
				return nil
			}
			for what, err := range map[string]error{
				"jobs":   names(func(i int) string { return jobs[i].Name }, len(jobs)),
				"pods":   names(func(i int) string { return pods[i].Name }, len(pods)),
				"events": names(func(i int) string { return events[i].Name }, len(events)),
			} {
				if err != nil {
					t.Errorf("%s: %v", what, err)
				}
			}
			wantCalls := max(1, (n+ps-1)/ps)
			for what, p := range map[string]*pager{"jobs": jp, "pods": pp, "events": ep} {
				if len(p.calls) != wantCalls {
					t.Errorf("%s: %d calls, want %d", what, len(p.calls), wantCalls)
				}
				for i, o := range p.calls {
					wantSel := "a=b"
					if what == "events" {
						wantSel = ""
					}
					wantCont := ""
					if i > 0 {
						wantCont = strconv.Itoa(i * ps)
					}
					if o.Limit != PageSize || o.LabelSelector != wantSel || o.Continue != wantCont {
						t.Errorf("%s call %d: limit %d selector %q continue %q; want %d %q %q",
							what, i, o.Limit, o.LabelSelector, o.Continue, PageSize, wantSel, wantCont)
					}
				}
			}
		})
	}
}

// TestListStopsAtAnError: a page that fails ends the list with its error.
func TestListStopsAtAnError(t *testing.T) {
	c := fake.NewClientset()
	p := &pager{n: 2 * int(PageSize)}
	boom := errors.New("boom")
	c.PrependReactor("list", "jobs", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if a.(k8stesting.ListActionImpl).ListOptions.Continue != "" {
			return true, nil, boom
		}
		return p.jobs(a)
	})
	if _, err := ListJobs(context.Background(), c, "ns", ""); !errors.Is(err, boom) {
		t.Errorf("err = %v, want the second page's error", err)
	}
}
