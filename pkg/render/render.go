// Package render expands an experiment's parameter space and renders one
// batch/v1 Job per trial: parameters substituted into the template, the
// experiment's labels and annotations set, defaults applied, and every Job
// validated before any is returned.
package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	kjson "sigs.k8s.io/json"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/space"
)

// Trial is one rendered trial.
type Trial struct {
	Name   string        // the Job name, deterministic from experiment name + params
	Index  int           // 0-based position in the expanded space
	Params params.Params // the trial's parameters, in the file's order
	Job    *batchv1.Job  // TypeMeta batch/v1 Job set; namespace empty (caller sets); labels/annotations set
}

// Render expands the space and renders every trial; it returns aggregated
// warnings (without a "warning: " prefix) and the first error, with
// file:line where possible.
func Render(exp *experiment.Experiment) (trials []Trial, warnings []string, err error) {
	if exp.Search != nil {
		return renderFirstBatch(exp)
	}
	points, spaceWarnings, err := exp.Space.Expand()
	warnings = append(append(warnings, exp.Warnings...), spaceWarnings...)
	if err != nil {
		return nil, warnings, err
	}
	for i, used := range exp.Template.Used {
		if !used {
			name := exp.Template.Names[i]
			warnings = append(warnings, fmt.Sprintf("%s:%d: parameter %q is not used in the template: trials that differ only in it run the same Job",
				exp.File, exp.Space.NamePos(name).Line, name))
		}
	}
	trials = make([]Trial, len(points))
	if err := renderAll(renderer{exp: exp, names: names(exp.Name, points), count: len(points)}, points, trials); err != nil {
		return nil, warnings, err
	}
	return trials, append(warnings, memoryWarnings(trials)...), nil
}

// block is how many trials a worker renders at a time; experiments of
// fewer trials render on one goroutine.
const block = 128

// renderAll renders every point into trials with copies of proto, on up
// to GOMAXPROCS goroutines. The error returned is the one of the lowest
// trial index, so it does not depend on scheduling.
func renderAll(proto renderer, points []space.Point, trials []Trial) error {
	var err error
	if proto.resultsSpec, err = encodeResultsSpec(proto.exp.Results); err != nil {
		return err
	}
	workers := min(runtime.GOMAXPROCS(0), (len(points)+block-1)/block)
	var next atomic.Int64
	var failed atomic.Bool
	errs := make([]error, workers)
	errAt := make([]int, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			r := proto
			for !failed.Load() {
				start := int(next.Add(block)) - block
				if start >= len(points) {
					return
				}
				for i := start; i < min(start+block, len(points)); i++ {
					job, err := r.job(i, &points[i])
					if err != nil {
						errs[w], errAt[w] = err, i
						failed.Store(true)
						return
					}
					trials[i] = Trial{Name: r.names[i], Index: i, Params: points[i].Params, Job: job}
					if r.indices != nil {
						trials[i].Index = r.indices[i]
					}
				}
			}
		})
	}
	wg.Wait()
	var first error
	firstAt := len(points)
	for w, err := range errs {
		if err != nil && errAt[w] < firstAt {
			first, firstAt = err, errAt[w]
		}
	}
	return first
}

// renderer renders the trials of one experiment.
type renderer struct {
	exp         *experiment.Experiment
	names       []string
	resultsSpec string // the results-spec annotation, "" for none
	// indices are the trials' indices when they are not their positions
	// (an adaptive search's later suggestions); nil otherwise.
	indices []int
	// annotate adds what else trial i's Job carries (an adaptive search's
	// annotations); nil for nothing.
	annotate func(i int, job *batchv1.Job)
	// count is the trial-count annotation: how many trials in all.
	count int
	buf   []byte
}

// job renders trial i.
func (r *renderer) job(i int, pt *space.Point) (*batchv1.Job, error) {
	t := &r.exp.Template
	name := r.names[i]
	var err error
	r.buf, err = t.JSON(r.buf[:0], pt.Text)
	if err != nil {
		var ve *experiment.ValueError
		if errors.As(err, &ve) {
			return nil, r.errorAt(ve.Node, pt, name, err.Error())
		}
		return nil, r.errorAt(nil, pt, name, err.Error())
	}
	job := &batchv1.Job{}
	strict, err := kjson.UnmarshalStrict(r.buf, job)
	if err != nil {
		return nil, r.decodeError(err, pt, name)
	}
	if len(strict) > 0 {
		return nil, r.decodeError(strict[0], pt, name)
	}
	job.TypeMeta = metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"}
	job.Name = name
	ps := &job.Spec.Template.Spec
	if ps.RestartPolicy == "" {
		ps.RestartPolicy = corev1.RestartPolicyNever
	}
	if job.Spec.BackoffLimit == nil {
		var zero int32
		job.Spec.BackoffLimit = &zero
	}
	pj, err := pt.Params.MarshalJSON()
	if err != nil {
		return nil, r.errorAt(nil, pt, name, err.Error())
	}
	index := strconv.Itoa(i)
	if r.indices != nil {
		index = strconv.Itoa(r.indices[i])
	}
	for _, m := range []*metav1.ObjectMeta{&job.ObjectMeta, &job.Spec.Template.ObjectMeta} {
		m.Labels = setKeys(m.Labels,
			keys.Experiment, r.exp.Name,
			keys.Trial, name,
			keys.ManagedBy, keys.ManagedByValue)
		m.Annotations = setKeys(m.Annotations,
			keys.Params, string(pj),
			keys.Index, index)
	}
	if r.exp.Queue != "" {
		job.Labels[keys.KueueQueueName] = r.exp.Queue
	}
	if job.Labels[keys.KueueQueueName] != "" {
		// Kueue admits a Job it finds suspended; one created runnable would
		// start at once unless Kueue's webhook suspends it.
		job.Spec.Suspend = ptr.To(true)
	}
	if path, msg := validate(job); msg != "" {
		return nil, r.errorAt(t.Lookup(path), pt, name, "Job "+path+": "+msg)
	}
	if r.resultsSpec != "" {
		job.Annotations[keys.ResultsSpec] = r.resultsSpec
	}
	job.Annotations[keys.TrialCount] = strconv.Itoa(r.count)
	if r.annotate != nil {
		r.annotate(i, job)
	}
	job.Annotations[keys.SpecHash] = SpecHash(job)
	return job, nil
}

// setKeys sets key/value pairs in m, allocating it when nil.
func setKeys(m map[string]string, kv ...string) map[string]string {
	if m == nil {
		m = make(map[string]string, len(kv)/2)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// errorAt returns an *experiment.Error at node n, or at the trial's row
// when the file does not write n.
func (r *renderer) errorAt(n *experiment.Node, pt *space.Point, name, msg string) error {
	at := pt.Pos
	if n != nil && n.Pos.Line > 0 {
		at = n.Pos
	}
	return &experiment.Error{File: r.exp.File, Pos: at,
		Msg: fmt.Sprintf("trial %s (%s): %s", name, pt.Params, msg)}
}

// decodeError maps an error decoding the rendered Job back to the
// template node it comes from.
func (r *renderer) decodeError(err error, pt *space.Point, name string) error {
	t := &r.exp.Template
	var n *experiment.Node
	var fe kjson.FieldError
	if errors.As(err, &fe) {
		n = t.Lookup(fe.FieldPath())
	} else if off, ok := errorOffset(err); ok {
		n = t.NodeAt(pt.Text, off)
	}
	msg := err.Error()
	if n != nil && n.Path != "" {
		msg = "Job " + n.Path + ": " + msg
	}
	return r.errorAt(n, pt, name, msg)
}

// errorOffset returns the input offset a JSON decoding error records.
func errorOffset(err error) (int64, bool) {
	if ok, off := kjson.SyntaxErrorOffset(err); ok {
		return off, true
	}
	v := reflect.ValueOf(err)
	if v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct {
		if f := v.Elem().FieldByName("Offset"); f.IsValid() && f.CanInt() {
			return f.Int(), true
		}
	}
	return 0, false
}

// encodeResultsSpec returns the results-spec annotation of an experiment,
// JSON without HTML escaping so patterns read as written; "" when the file
// says nothing about results.
func encodeResultsSpec(r experiment.ResultsSpec) (string, error) {
	if r.IsZero() {
		return "", nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return "", err
	}
	return strings.TrimSpace(b.String()), nil
}
