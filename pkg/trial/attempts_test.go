package trial

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

func TestNewAttemptOfAnOOMKilledTrial(t *testing.T) {
	j := job("t1", failedCond())
	j.Spec.Template.Spec.Containers = []corev1.Container{
		{Name: "ml", Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("32Mi")}}},
		{Name: "side"},
	}
	s := FromJob(j, []corev1.Pod{pod("t1-a", corev1.PodFailed, oomKilled)})
	got := NewAttempt(&s, j)
	want := Attempt{Attempt: 1, State: OOMKilled, Reason: "OOMKilled", Message: "container ml exceeded its memory limit of 32Mi",
		ExitCode: i32(137), Container: "ml", MemoryLimits: map[string]string{"ml": "32Mi"},
		Finished: ptr(t0.Add(time.Minute)), Node: "node1", Pod: "t1-a"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("NewAttempt (-want +got):\n%s", diff)
	}
	if s := got.Summary(); s != "OOMKilled at limit 32Mi (exit 137)" {
		t.Errorf("Summary = %q", s)
	}
}

func TestAttemptsRoundTripThroughTheJob(t *testing.T) {
	var history []Attempt
	for i := 1; i <= MaxAttempts+3; i++ {
		history = append(history, Attempt{Attempt: i, State: Failed, Reason: "BackoffLimitExceeded", ExitCode: i32(1)})
	}
	enc, err := EncodeAttempts(history)
	if err != nil {
		t.Fatal(err)
	}
	j := job("t1")
	j.Annotations[keys.Attempts] = enc
	s := FromJob(j, nil)
	if len(s.Attempts) != MaxAttempts || s.Attempts[0].Attempt != 4 {
		t.Fatalf("kept %d attempts starting at %d, want %d starting at 4", len(s.Attempts), s.Attempts[0].Attempt, MaxAttempts)
	}
	if s.Attempt != MaxAttempts+4 {
		t.Errorf("current attempt = %d, want %d", s.Attempt, MaxAttempts+4)
	}
	if p := s.Previous(); p == nil || p.Summary() != "Failed BackoffLimitExceeded (exit 1)" {
		t.Errorf("Previous = %+v", p)
	}
}

func TestDecodeAttemptsRejectsLies(t *testing.T) {
	for name, v := range map[string]string{
		"not json":       `{`,
		"not a list":     `{"attempt":1}`,
		"zero":           `[{"attempt":0,"state":"Failed"}]`,
		"not increasing": `[{"attempt":2,"state":"Failed"},{"attempt":2,"state":"Failed"}]`,
		"no state":       `[{"attempt":1}]`,
	} {
		if _, err := DecodeAttempts(v); err == nil || !strings.Contains(err.Error(), keys.Attempts) {
			t.Errorf("%s: err = %v, want an error naming the annotation", name, err)
		}
	}
	j := job("t1")
	j.Annotations[keys.Attempts] = `[{"attempt":0}]`
	if s := FromJob(j, nil); s.Attempt != 1 || s.Attempts != nil {
		t.Errorf("a bad annotation gives attempt %d, history %v; want 1, none", s.Attempt, s.Attempts)
	}
}

func TestTruncateKeepsRunes(t *testing.T) {
	s := strings.Repeat("é", 200)
	got := truncate(s, maxMessage)
	if len(got) > maxMessage || !strings.HasSuffix(got, "...") || !strings.HasPrefix(got, "éé") {
		t.Errorf("truncate = %q (%d bytes)", got, len(got))
	}
	if strings.ContainsRune(got, '\uFFFD') {
		t.Error("truncate split a rune")
	}
}

// FuzzDecodeAttempts: the decoder never panics, and what it accepts
// encodes back to something it accepts with the same numbers.
func FuzzDecodeAttempts(f *testing.F) {
	f.Add(`[{"attempt":1,"state":"OOMKilled","exitCode":137,"container":"ml","memoryLimits":{"ml":"32Mi"},"started":"2026-11-29T10:00:00Z"}]`)
	f.Add(`[{"attempt":1,"state":"Failed"},{"attempt":3,"state":"Succeeded"}]`)
	f.Add(`[]`)
	f.Add(`null`)
	f.Add(`[{"attempt":1e3,"state":"x","finished":"bad"}]`)
	f.Fuzz(func(t *testing.T, v string) {
		h, err := DecodeAttempts(v)
		if err != nil {
			return
		}
		enc, err := EncodeAttempts(h)
		if err != nil {
			t.Fatalf("encode of a decoded history: %v", err)
		}
		again, err := DecodeAttempts(enc)
		if err != nil {
			t.Fatalf("decode of %q: %v", enc, err)
		}
		if len(h) <= MaxAttempts && len(again) != len(h) {
			t.Fatalf("round trip kept %d of %d attempts", len(again), len(h))
		}
		for i := range again {
			if want := h[len(h)-len(again)+i].Attempt; again[i].Attempt != want {
				t.Fatalf("attempt %d became %d", want, again[i].Attempt)
			}
		}
	})
}

func failedCond() batchv1.JobCondition {
	return batchv1.JobCondition{Type: batchv1.JobFailed, Status: corev1.ConditionTrue, Reason: "BackoffLimitExceeded"}
}

func i32(v int32) *int32 { return &v }
