package kube

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// pagedJobs serves n Jobs in pages of opts.Limit, with continue tokens
// "page-N"; expire names the tokens answered with 410 Expired. It records
// the options of every call.
func pagedJobs(n int, expire map[string]bool, calls *[]metav1.ListOptions) k8stesting.ReactionFunc {
	all := make([]batchv1.Job, n)
	for i := range all {
		all[i].Name = fmt.Sprintf("job-%03d", i)
		all[i].Labels = map[string]string{"e": "x"}
	}
	return func(a k8stesting.Action) (bool, runtime.Object, error) {
		opts := a.(k8stesting.ListActionImpl).ListOptions
		*calls = append(*calls, opts)
		if expire[opts.Continue] {
			return true, nil, apierrors.NewResourceExpired("the provided continue parameter is too old")
		}
		start := 0
		if opts.Continue != "" {
			fmt.Sscanf(opts.Continue, "page-%d", &start)
		}
		end := n
		if opts.Limit > 0 {
			end = min(n, start+int(opts.Limit))
		}
		l := &batchv1.JobList{Items: all[start:end]}
		if end < n && opts.Limit > 0 {
			l.Continue = fmt.Sprintf("page-%d", end)
		}
		return true, l, nil
	}
}

func names(jobs []batchv1.Job) []string {
	out := make([]string, len(jobs))
	for i, j := range jobs {
		out[i] = j.Name
	}
	return out
}

func TestListJobsPages(t *testing.T) {
	defer func(old int64) { PageSize = old }(PageSize)
	PageSize = 4
	cases := map[string]struct {
		n         int
		expire    map[string]bool
		wantCalls []metav1.ListOptions
		wantErr   bool
	}{
		"one page": {
			n:         3,
			wantCalls: []metav1.ListOptions{{LabelSelector: "e=x", Limit: 4}},
		},
		"three pages": {
			n: 10,
			wantCalls: []metav1.ListOptions{
				{LabelSelector: "e=x", Limit: 4},
				{LabelSelector: "e=x", Limit: 4, Continue: "page-4"},
				{LabelSelector: "e=x", Limit: 4, Continue: "page-8"},
			},
		},
		"expired token falls back to a full list": {
			n:      10,
			expire: map[string]bool{"page-8": true},
			wantCalls: []metav1.ListOptions{
				{LabelSelector: "e=x", Limit: 4},
				{LabelSelector: "e=x", Limit: 4, Continue: "page-4"},
				{LabelSelector: "e=x", Limit: 4, Continue: "page-8"},
				{LabelSelector: "e=x"},
			},
		},
		"expired first page is an error": {
			n:         10,
			expire:    map[string]bool{"": true},
			wantCalls: []metav1.ListOptions{{LabelSelector: "e=x", Limit: 4}},
			wantErr:   true,
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var calls []metav1.ListOptions
			client := fake.NewClientset()
			client.PrependReactor("list", "jobs", pagedJobs(c.n, c.expire, &calls))
			jobs, err := ListJobs(context.Background(), client, "ml", "e=x")
			if diff := cmp.Diff(c.wantCalls, calls); diff != "" {
				t.Errorf("List calls (-want +got):\n%s", diff)
			}
			if c.wantErr {
				if !apierrors.IsResourceExpired(err) {
					t.Errorf("err = %v, want the Expired error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for i := range c.n {
				want = append(want, fmt.Sprintf("job-%03d", i))
			}
			if diff := cmp.Diff(want, names(jobs)); diff != "" {
				t.Errorf("jobs (-want +got):\n%s", diff)
			}
		})
	}
}
