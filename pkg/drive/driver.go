package drive

import (
	"context"
	"fmt"
	"io"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/mlexp/kubectl-mlexp/pkg/collect"
	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/logmetrics"
	"github.com/mlexp/kubectl-mlexp/pkg/search"
)

// DefaultPoll is how often a driver with early stopping reads the logs of
// the running trials, besides every change of a Job or pod.
const DefaultPoll = 5 * time.Second

// Driver drives one experiment's adaptive search until it ends: the
// foreground of `submit` and `tune`, and the driver Job of a search run in
// the cluster.
type Driver struct {
	Client    kubernetes.Interface
	Namespace string
	// Exp is the experiment; its Search must be set.
	Exp *experiment.Experiment
	// Identity is the name the driver holds the search's lease under.
	Identity string
	// Out gets one line per trial created, stopped early or finished, and
	// the search's end. ErrOut gets warnings, and the progress line when
	// Progress says it is a terminal.
	Out, ErrOut io.Writer
	Progress    bool
	// MaxRequests caps concurrent log reads and writes; at least 1.
	MaxRequests int
	// Poll is how often running trials' logs are read for early stopping;
	// DefaultPoll when zero.
	Poll time.Duration
	// LossTimeout is how long the driver goes on without the API server.
	LossTimeout time.Duration
	// OpenLog reads a container's log; nil reads it through Client.
	OpenLog collect.OpenLogFunc
	// Waiting is called once when another driver holds the lease.
	Waiting func(*Holder)
}

// Run drives the search until it ends or ctx ends, holding the
// experiment's lease (waiting for it while another driver holds it). It
// returns the last decision: its End says how the search ended.
func (d *Driver) Run(ctx context.Context) (*Decision, error) {
	s, err := d.newSession()
	if err != nil {
		return nil, err
	}
	for {
		err = Lead(ctx, d.Client, d.Namespace, d.Exp.Name, d.Identity, d.Waiting, s.loop)
		if err != ErrLostLease || ctx.Err() != nil {
			return s.last, err
		}
		fmt.Fprintf(d.ErrOut, "warning: %v; taking it again\n", err)
	}
}

// session is one driver's working state: what it created that its view
// does not show yet, and what it has said.
type session struct {
	d        *Driver
	spec     Spec
	metric   string
	strategy string
	pending  map[string]search.Trial // created, not yet in the view, by Job name
	said     map[string]bool         // trials whose end was printed, by Job name
	last     *Decision
	progress *progressLine
}

func (d *Driver) newSession() (*session, error) {
	sr := d.Exp.Search
	if sr == nil {
		return nil, fmt.Errorf("experiment %s has no adaptive search", d.Exp.Name)
	}
	alg, err := search.New(sr.Config())
	if err != nil {
		return nil, err
	}
	spec := Spec{Algorithm: alg, Goal: sr.Objective.Goal, Target: sr.Objective.Target,
		Parallel: sr.Parallel, MaxTrials: sr.MaxTrials, MaxFailed: max(sr.MaxFailed, 0)}
	if cfg, ok := sr.StopperConfig(); ok {
		if spec.Stopper, err = search.NewStopper(cfg); err != nil {
			return nil, err
		}
	}
	if d.MaxRequests < 1 {
		d.MaxRequests = 1
	}
	if d.Poll <= 0 {
		d.Poll = DefaultPoll
	}
	return &session{d: d, spec: spec,
		metric:   logmetrics.NormalizeName(sr.Objective.Metric),
		strategy: sr.Objective.Strategy(),
		pending:  map[string]search.Trial{},
		said:     map[string]bool{},
		progress: newProgressLine(d.ErrOut, d.Progress),
	}, nil
}

// loop watches the experiment's Jobs and pods and decides after every
// change (and every Poll with early stopping) until the search is done.
func (s *session) loop(ctx context.Context) error {
	d := s.d
	opts := kube.WatchOptions{LossTimeout: d.LossTimeout, Warn: d.ErrOut}
	if s.spec.Stopper != nil {
		opts.Every = d.Poll
	}
	defer s.progress.clear()
	return kube.WatchJobsAndPodsWith(ctx, d.Client, d.Namespace, keys.ForExperiment(d.Exp.Name), opts,
		func(jobs []batchv1.Job, pods []corev1.Pod) (bool, error) {
			return s.step(ctx, jobs, pods)
		})
}

// step reads what it needs of one view, records finished trials, decides
// and acts; it returns true once the search is done.
func (s *session) step(ctx context.Context, jobs []batchv1.Job, pods []corev1.Pod) (bool, error) {
	d := s.d
	exp, err := collect.FromView(ctx, collect.Options{
		Client: d.Client, Namespace: d.Namespace, Experiment: d.Exp.Name,
		MaxRequests: d.MaxRequests, OpenLog: d.OpenLog, ErrOut: d.ErrOut,
		NeedsLog: s.needsLog,
	}, jobs, pods)
	if err != nil {
		return false, err
	}
	rec := collect.Recorder{Client: d.Client, Namespace: d.Namespace, ErrOut: d.ErrOut, MaxRequests: d.MaxRequests,
		Extra: s.objectiveAnnotation}
	rec.Record(ctx, exp.Items, s.metric, exp.PatternsKey)
	trials := searchTrials(exp.Items, s.metric, s.strategy)
	trials = s.withPending(trials)
	dec, err := Decide(s.spec, trials)
	if err != nil {
		return false, err
	}
	s.last = &dec
	s.sayFinished(exp.Items, trials, &dec)
	if err := s.stop(ctx, exp.Items, exp.PatternsKey, dec.Stop); err != nil {
		return false, err
	}
	if err := s.create(ctx, dec.Create); err != nil {
		return false, err
	}
	if dec.End != nil && dec.Done() {
		s.progress.clear()
		if err := s.recordEnd(ctx, jobs, dec.End); err != nil {
			fmt.Fprintf(d.ErrOut, "warning: could not record how the search ended: %v\n", err)
		}
		s.sayEnd(&dec, trials)
		return true, nil
	}
	s.progress.show(s.summary(&dec, trials))
	return false, nil
}

// needsLog reads a finished trial's log once (until its objective is
// recorded) and a running trial's log while trials are stopped early.
func (s *session) needsLog(it *collect.Item) bool {
	if it.Job != nil {
		if _, stopped := it.Job.Annotations[keys.EarlyStopped]; stopped {
			return false
		}
	}
	if it.Status.State.Finished() {
		_, recorded := it.Job.Annotations[keys.Objective]
		return it.Job != nil && !recorded
	}
	return s.spec.Stopper != nil
}

// objectiveAnnotation is what the recorder writes besides a finished
// trial's metrics: its objective.
func (s *session) objectiveAnnotation(it *collect.Item) map[string]string {
	o := ObjectiveOf(s.metric, s.strategy, it.Curves[s.metric])
	v, err := o.Encode()
	if err != nil {
		return nil
	}
	return map[string]string{keys.Objective: v}
}

// withPending adds the trials created but not seen yet as running, and
// forgets those the view shows now.
func (s *session) withPending(trials []search.Trial) []search.Trial {
	seen := make(map[int]bool, len(trials))
	for _, t := range trials {
		seen[t.Index] = true
	}
	for name, t := range s.pending {
		if seen[t.Index] {
			delete(s.pending, name)
			continue
		}
		trials = append(trials, t)
	}
	return trials
}

// bestOf returns the best finished trial, or nil.
func bestOf(trials []search.Trial, dec *Decision) *search.Trial {
	for i := range trials {
		if trials[i].Index == dec.Best {
			return &trials[i]
		}
	}
	return nil
}
