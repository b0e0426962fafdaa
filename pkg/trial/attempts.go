package trial

import (
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// MaxAttempts is how many earlier attempts a Job's attempts annotation
// keeps; older ones are dropped (their numbers are not reused).
const MaxAttempts = 20

// maxMessage caps an attempt's message so the annotation stays small.
const maxMessage = 256

// Attempt is how one earlier run of a trial ended, as recorded on the
// trial's Job (keys.Attempts) when `retry` replaced it.
type Attempt struct {
	// Attempt is the 1-based number of the run.
	Attempt int `json:"attempt"`
	// State is how it ended: Succeeded, Failed or OOMKilled (Failed with
	// reason LikelyOOMKilled, Succeeded with ProcessOOMKilled: see Status).
	State State `json:"state"`
	// Reason and Message say why, as status showed them.
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
	// ExitCode is the exit code of the container that ended it.
	ExitCode *int32 `json:"exitCode,omitempty"`
	// Container is the container that ran out of memory, if any.
	Container string `json:"container,omitempty"`
	// MemoryLimits maps each container to the memory limit it ran with.
	MemoryLimits map[string]string `json:"memoryLimits,omitempty"`
	// Started and Finished bound the run.
	Started  *time.Time `json:"started,omitempty"`
	Finished *time.Time `json:"finished,omitempty"`
	// Node and Pod say where it ran.
	Node string `json:"node,omitempty"`
	Pod  string `json:"pod,omitempty"`
}

// Summary renders why the attempt ended in one cell, e.g. "OOMKilled at
// limit 32Mi (exit 137)", "BackoffLimitExceeded (exit 1)" after "Failed",
// or a likely OOM kill in the words of Status.ReasonText.
func (a *Attempt) Summary() string {
	lim := a.MemoryLimits[a.Container]
	switch {
	case a.State == OOMKilled:
		return oomText(string(a.State), lim, a.ExitCode)
	case a.State == Failed && a.Reason == ReasonLikelyOOMKilled:
		return "Failed: " + likelyOOMText(lim, a.ExitCode)
	case a.State == Succeeded && a.Reason == ReasonProcessOOMKilled:
		return "Succeeded " + oomText(a.Reason, lim, a.ExitCode)
	case a.Reason != "" && a.Reason != string(a.State):
		return string(a.State) + " " + a.Reason + exitText(a.ExitCode)
	}
	return string(a.State) + exitText(a.ExitCode)
}

// NewAttempt records how the current run of a finished trial ended: its
// state, reason and exit code from s, and the memory limits of the Job's
// containers.
func NewAttempt(s *Status, job *batchv1.Job) Attempt {
	a := Attempt{
		Attempt:   max(s.Attempt, 1),
		State:     s.State,
		Reason:    s.Reason,
		Message:   truncate(s.Message, maxMessage),
		Container: s.OOMContainer,
		Node:      s.Node,
		Pod:       s.Pod,
		Started:   roundTime(s.Started),
		Finished:  roundTime(s.Finished),
	}
	if s.ExitCode != nil {
		c := *s.ExitCode
		a.ExitCode = &c
	}
	for _, c := range job.Spec.Template.Spec.Containers {
		if q, ok := c.Resources.Limits[corev1.ResourceMemory]; ok {
			if a.MemoryLimits == nil {
				a.MemoryLimits = map[string]string{}
			}
			a.MemoryLimits[c.Name] = q.String()
		}
	}
	return a
}

// EncodeAttempts returns the attempts annotation of a history, keeping its
// last MaxAttempts entries.
func EncodeAttempts(history []Attempt) (string, error) {
	if len(history) > MaxAttempts {
		history = history[len(history)-MaxAttempts:]
	}
	b, err := json.Marshal(history)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// DecodeAttempts parses the attempts annotation ("" is no history). It
// rejects numbers that are not positive and increasing and entries without
// a state, so a hand-edited annotation cannot make a history that lies.
func DecodeAttempts(v string) ([]Attempt, error) {
	if v == "" {
		return nil, nil
	}
	var out []Attempt
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		return nil, fmt.Errorf("annotation %s: %w", keys.Attempts, err)
	}
	last := 0
	for i, a := range out {
		if a.Attempt <= last {
			return nil, fmt.Errorf("annotation %s: entry %d: attempt %d does not follow %d", keys.Attempts, i, a.Attempt, last)
		}
		if a.State == "" {
			return nil, fmt.Errorf("annotation %s: entry %d: no state", keys.Attempts, i)
		}
		last = a.Attempt
	}
	return out, nil
}

// fromAttempts sets the trial's attempt number and history from its Job.
// A history that cannot be read is left out; the trial still shows.
func (s *Status) fromAttempts(job *batchv1.Job) {
	s.Attempt = 1
	h, err := DecodeAttempts(job.Annotations[keys.Attempts])
	if err != nil || len(h) == 0 {
		return
	}
	s.Attempts = h
	s.Attempt = h[len(h)-1].Attempt + 1
}

// Previous returns the trial's last earlier attempt, nil if it has none.
func (s *Status) Previous() *Attempt {
	if len(s.Attempts) == 0 {
		return nil
	}
	return &s.Attempts[len(s.Attempts)-1]
}

func roundTime(t *time.Time) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	r := t.UTC().Truncate(time.Second)
	return &r
}

// truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("...")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
