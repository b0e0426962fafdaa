package render

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"

	batchv1 "k8s.io/api/batch/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/space"
)

// NameHexDigits is how many hex digits of the parameters' hash a trial
// name carries.
const NameHexDigits = 8

// TrialName returns the name of the trial of experiment exp with
// parameters p: exp, a dash, and the first 8 hex digits of the SHA-256 of
// the canonical parameters (keys sorted, numbers normalized). It depends on
// nothing else, so it is stable across submits and file edits that keep
// the trial's parameters.
func TrialName(exp string, p params.Params) string {
	return trialName(exp, space.Canonical(p), NameHexDigits)
}

// trialName names a trial from its canonical parameters with n hex digits.
func trialName(exp, canonical string, n int) string {
	sum := sha256.Sum256([]byte(canonical))
	return exp + "-" + hex.EncodeToString(sum[:])[:n]
}

// names returns the trial names of points. In the rare case two trials'
// hashes share their first 8 hex digits, those trials get 16.
func names(exp string, points []space.Point) []string {
	out := make([]string, len(points))
	first := make(map[string]int, len(points))
	for i, p := range points {
		out[i] = trialName(exp, p.Key, NameHexDigits)
		if j, dup := first[out[i]]; dup {
			out[j] = trialName(exp, points[j].Key, 2*NameHexDigits)
			out[i] = trialName(exp, p.Key, 2*NameHexDigits)
			continue
		}
		first[out[i]] = i
	}
	return out
}

// SpecHash returns the hash recorded in a Job's spec-hash annotation: the
// first 16 hex digits of the SHA-256 of the Job's JSON without that
// annotation, without the results-spec, trial-count and search
// annotations, which can change in place, and without spec.suspend, which is the trial's run
// state (set by submit --suspend or a queue, then by Kueue or
// suspend/resume), not its definition. Equal hashes mean the Job's pods
// would be the same.
func SpecHash(job *batchv1.Job) string {
	_, hasHash := job.Annotations[keys.SpecHash]
	_, hasSpec := job.Annotations[keys.ResultsSpec]
	_, hasCount := job.Annotations[keys.TrialCount]
	_, hasSearch := job.Annotations[keys.Search]
	if hasHash || hasSpec || hasCount || hasSearch || job.Spec.Suspend != nil {
		c := *job
		c.Annotations = maps.Clone(job.Annotations)
		delete(c.Annotations, keys.SpecHash)
		delete(c.Annotations, keys.ResultsSpec)
		delete(c.Annotations, keys.TrialCount)
		delete(c.Annotations, keys.Search)
		c.Spec.Suspend = nil
		job = &c
	}
	b, err := json.Marshal(job)
	if err != nil {
		panic(err) // a decoded Job always encodes
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:16]
}
