// Package suspend implements `kubectl mlexp suspend EXP` and `kubectl
// mlexp resume EXP`: they stop unfinished trials and release suspended
// ones, through the Job API's spec.suspend, or through Kueue for trials
// submitted to a Kueue queue. The two verbs share one package because they
// are one mechanism seen from both ends.
package suspend

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/kueue"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// Concurrency is how many patches run at once.
const Concurrency = 16

// Options holds the flags and clients of suspend and resume.
type Options struct {
	genericiooptions.IOStreams
	Getter kube.Getter
	Trials common.TrialFlags
	// PrintFlags are -o: name, or the trials' Jobs (json, yaml, templates).
	PrintFlags *common.WritePrintFlags
	// Count is resume's --count: release at most this many (0: all).
	Count int

	resume     bool
	verb       string // "suspend" or "resume"
	experiment string
	namespace  string
	client     kubernetes.Interface
	dryRun     common.DryRun
	filter     trial.Filter
	selector   string
	countSet   bool
}

// Complete reads the argument and flags and builds the client.
func (o *Options) Complete(f kube.Getter, cmd *cobra.Command, args []string) error {
	o.Getter = f
	t, err := o.Trials.ResolveTrials(f, cmd, args)
	if err != nil {
		return err
	}
	o.experiment, o.namespace, o.client, o.dryRun = t.Experiment, t.Namespace, t.Client, t.DryRun
	o.filter, o.selector = t.Filter, t.Selector
	o.countSet = cmd.Flags().Changed("count")
	return nil
}

// Validate checks the flags; it does no I/O.
func (o *Options) Validate() error {
	if err := o.PrintFlags.Validate(); err != nil {
		return err
	}
	if o.countSet && o.Count < 1 {
		return fmt.Errorf("--count: must be at least 1, got %d", o.Count)
	}
	return nil
}

// Run lists the experiment's Jobs (and its Workloads when it uses a
// queue) once, plans, then writes one patch per trial.
func (o *Options) Run(ctx context.Context) error {
	jobs, err := kube.ListJobs(ctx, o.client, o.namespace, o.selector)
	if err != nil {
		return err
	}
	if len(jobs) == 0 {
		if o.Trials.LabelSelector != "" {
			return fmt.Errorf("no trial of experiment %q in namespace %q matches --selector %s", o.experiment, o.namespace, o.Trials.LabelSelector)
		}
		return kube.ExperimentNotFound(o.experiment, o.namespace)
	}
	statuses := trial.FromJobs(jobs, nil)
	kc := &kueue.Client{}
	if kueue.UsesQueue(jobs) {
		if kc, err = kueue.NewClient(ctx, o.Getter, o.client); err != nil {
			return err
		}
		wls, err := kc.Workloads(ctx, o.namespace)
		if err != nil {
			return err
		}
		trial.ApplyKueue(statuses, jobs, trial.KueueView{Installed: kc.API.Installed(), Workloads: wls})
	}
	kept, missing, err := o.filter.Apply(statuses)
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return fmt.Errorf("--trial: %s not in experiment %q (see `kubectl mlexp status %s`)", strings.Join(missing, ", "), o.experiment, o.experiment)
	}
	suspended := jobsSuspended(jobs)
	var plan Plan
	if o.resume {
		plan = PlanResume(kept, suspended, kc.API.Installed(), o.Count)
	} else {
		plan = PlanSuspend(kept, suspended, kc.API.Installed())
	}
	if len(plan.NoWorkload) > 0 {
		return fmt.Errorf("%d trial(s) of experiment %q have no Kueue Workload yet (%s): Kueue has not seen their Jobs; is it running? Nothing was changed: run %s again in a moment",
			len(plan.NoWorkload), o.experiment, strings.Join(plan.NoWorkload, ", "), o.verb)
	}
	if len(plan.ByHand) > 0 {
		fmt.Fprintf(o.ErrOut, "warning: this cluster does not serve Kueue's API: %d trial(s) labelled for a Kueue queue are released by hand, outside any queue\n", len(plan.ByHand))
	}
	if err := o.checkAccess(ctx, kc, plan.Actions); err != nil {
		return err
	}
	if err := o.write(ctx, kc, plan.Actions, jobs); err != nil {
		return err
	}
	o.report(plan)
	return nil
}

// checkAccess asks, before the first patch, whether the user may patch
// what the actions patch: Jobs, and Kueue's Workloads.
func (o *Options) checkAccess(ctx context.Context, kc *kueue.Client, actions []Action) error {
	if o.dryRun == common.DryRunClient {
		return nil
	}
	need := map[How]bool{}
	for _, a := range actions {
		need[a.How] = true
	}
	var accesses []kube.Access
	if need[PatchJob] {
		accesses = append(accesses, kube.Access{Verb: "patch", Group: "batch", Resource: "jobs"})
	}
	if need[SetActive] {
		accesses = append(accesses, kube.Access{Verb: "patch", Group: kueue.Group, Resource: "workloads"})
	}
	return kube.CheckAccess(ctx, o.client, o.namespace, accesses)
}

// write sends one patch per action, Concurrency at a time; it tries every
// action even when some fail, and prints the ones done in order. listed
// are the experiment's Jobs as listed: what -o prints of a trial whose
// Job was not patched (a dry run, or a Workload patched instead).
func (o *Options) write(ctx context.Context, kc *kueue.Client, actions []Action, listed []batchv1.Job) error {
	errs := make([]error, len(actions))
	written := make([]*batchv1.Job, len(actions))
	if o.dryRun != common.DryRunClient {
		if e := kube.WriteEach(len(actions), Concurrency, func(i int) error {
			var err error
			written[i], err = o.patch(ctx, kc, actions[i])
			return err
		}, nil); e != nil {
			errs = e
		}
	}
	byName := map[string]*batchv1.Job{}
	for i := range listed {
		byName[listed[i].Name] = &listed[i]
	}
	var failed []error
	var done []*batchv1.Job
	var ops []string
	for i, a := range actions {
		if errs[i] != nil {
			failed = append(failed, fmt.Errorf("trial %s: %w", a.Trial, errs[i]))
			continue
		}
		job := written[i]
		if job == nil {
			job = o.asWritten(byName[a.Trial], a)
		}
		done, ops = append(done, job), append(ops, o.operation(a))
	}
	if err := o.PrintFlags.PrintJobs(o.Out, done, ops); err != nil {
		return err
	}
	if len(failed) == 0 {
		return nil
	}
	for _, err := range failed[1:] {
		fmt.Fprintln(o.ErrOut, "error:", err)
	}
	return fmt.Errorf("%d of %d writes failed (run %s again to finish): %w", len(failed), len(actions), o.verb, failed[0])
}

// patch writes one action: a merge patch of the Job's spec.suspend
// (returning the Job patched), or of the Workload's spec.active (no Job).
func (o *Options) patch(ctx context.Context, kc *kueue.Client, a Action) (*batchv1.Job, error) {
	opts := metav1.PatchOptions{FieldManager: keys.FieldManager}
	if o.dryRun == common.DryRunServer {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	if a.How == SetActive {
		return nil, kueue.SetActive(ctx, kc.Dynamic, kc.API, o.namespace, a.Workload, o.resume, opts)
	}
	body := fmt.Appendf(nil, `{"spec":{"suspend":%t}}`, !o.resume)
	return o.client.BatchV1().Jobs(o.namespace).Patch(ctx, a.Trial, types.MergePatchType, body, opts)
}

// asWritten returns the trial's Job as listed, with spec.suspend as the
// action leaves it when the action patches the Job (a client dry run).
func (o *Options) asWritten(listed *batchv1.Job, a Action) *batchv1.Job {
	if listed == nil {
		return &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: a.Trial, Namespace: o.namespace}}
	}
	job := listed.DeepCopy()
	if a.How == PatchJob {
		suspend := !o.resume
		job.Spec.Suspend = &suspend
	}
	return job
}

// operation is what the line of one trial written says after its name,
// as kubectl's lines do: suspended or resumed, and how.
func (o *Options) operation(a Action) string {
	done := map[bool]string{false: "suspended", true: "resumed"}[o.resume]
	var how string
	if a.How == SetActive {
		how = fmt.Sprintf(" (workload.%s/%s deactivated)", kueue.Group, a.Workload)
		if o.resume {
			how = fmt.Sprintf(" (workload.%s/%s back in queue %s)", kueue.Group, a.Workload, a.Queue)
		}
	}
	return done + how + o.dryRun.Suffix()
}

// report says on stderr what was done and what was left alone, and why.
func (o *Options) report(p Plan) {
	done := map[bool]string{false: "suspended", true: "resumed"}[o.resume]
	var whys []string
	var keys []string
	for k := range p.Skipped {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		whys = append(whys, fmt.Sprintf("%d %s", p.Skipped[k], k))
	}
	left := ""
	if len(whys) > 0 {
		left = " (left alone: " + strings.Join(whys, ", ") + ")"
	}
	if len(p.Actions) == 0 {
		fmt.Fprintf(o.ErrOut, "no trial of experiment %q to %s%s\n", o.experiment, o.verb, left)
	} else {
		fmt.Fprintf(o.ErrOut, "%s %d trial(s) of experiment %q%s%s\n", done, len(p.Actions), o.experiment, left, o.dryRun.Suffix())
	}
	if o.resume && p.Skipped[SkipQueued] > 0 {
		fmt.Fprintf(o.ErrOut, "%d trial(s) wait in a Kueue queue: Kueue starts them as the queue's quota allows (`kubectl mlexp status %s` shows their place); resume only releases trials suspended by hand\n",
			p.Skipped[SkipQueued], o.experiment)
	}
}

// jobsSuspended returns the names of the Jobs whose spec.suspend is true.
func jobsSuspended(jobs []batchv1.Job) map[string]bool {
	out := map[string]bool{}
	for i := range jobs {
		if s := jobs[i].Spec.Suspend; s != nil && *s {
			out[jobs[i].Name] = true
		}
	}
	return out
}
