package kube

import (
	"context"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
)

func TestJobWatchWaitGone(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	mk := func(name, uid string) *batchv1.Job {
		return &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", UID: types.UID(uid), Labels: map[string]string{"e": "x"}}}
	}
	c := fake.NewClientset(mk("a", "1"), mk("b", "2"))
	w, err := WatchJobs(ctx, c, "ns", "e=x")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if err := w.WaitGone(ctx, "zzz", ""); err != nil {
		t.Errorf("a Job that is not there: %v", err)
	}
	if err := w.WaitGone(ctx, "b", "other-uid"); err != nil {
		t.Errorf("a Job of another UID: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- w.WaitGone(ctx, "a", "1") }()
	select {
	case err := <-done:
		t.Fatalf("WaitGone returned before the Job was deleted: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	if err := c.BatchV1().Jobs("ns").Delete(ctx, "a", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("WaitGone: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("WaitGone did not return after the Job was deleted")
	}
	short, cancelShort := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancelShort()
	if err := w.WaitGone(short, "b", "2"); err == nil {
		t.Error("WaitGone of a Job that stays returned no error when its context ended")
	}
}
