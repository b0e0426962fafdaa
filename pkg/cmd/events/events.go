// Package events implements `kubectl mlexp events EXP`: the events of all
// of an experiment's Jobs and pods, grouped by what they say.
package events

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/kubectl/pkg/util/templates"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/eventagg"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
	"github.com/mlexp/kubectl-mlexp/pkg/trialevents"
)

var long = templates.LongDesc(`
	Show the events of every Job and pod of an experiment, grouped: events of
	the same type and reason whose messages differ only in names and numbers
	become one row with their total count (x20), the objects they happened
	to (20 pods), when they were first and last seen, and the latest message.
	--raw lists them one by one, as kubectl events does.

	Pods already deleted still count: their events name a trial's Job plus
	the Job controller's suffix. For trials submitted to a Kueue queue, the
	events of their Workloads (named job-TRIAL-HASH by Kueue: Pending,
	QuotaReserved, Admitted, Preempted, ...) are shown too. The kubelet records no event when a
	container hits its memory limit, so OOMKilled rows come from the pods'
	statuses (their source is "pod status"), in the words of 'kubectl mlexp status':
	LikelyOOMKilled for a kill at the memory limit the runtime did not report,
	ProcessOOMKilled for a process killed in a container that still exited 0. Events expire (one hour after they were last
	seen, by default), so an old experiment has few or none: the state of
	its trials, from their Jobs and pods, is in 'kubectl mlexp status'.

	API requests: one List each of the experiment's Jobs, its pods and the events of
	the namespace (filtered here). With --watch, the events are watched after
	that List.`)

var example = templates.Examples(`
	# What happened to the trials of experiment mnist, grouped
	kubectl mlexp events mnist

	# Only the warnings (FailedScheduling, BackoffLimitExceeded, ...)
	kubectl mlexp events mnist --type Warning

	# Every event, one per line, of one trial
	kubectl mlexp events mnist --raw --trial mnist-0123abcd

	# Follow new events as they come
	kubectl mlexp events mnist -w`)

// Options holds the events command's flags and client.
type Options struct {
	genericiooptions.IOStreams
	Getter kube.Getter
	// Print is -o and its companions (--no-headers included), as status has them.
	Print common.PrintFlags
	Raw   bool
	Watch bool
	Types []string
	Trial string
	// Now returns the current time; tests fix it.
	Now func() time.Time
	// LossTimeout is how long --watch goes on while the API server does
	// not answer; zero means kube.ServerLossTimeout.
	LossTimeout time.Duration

	experiment string
	namespace  string
	client     kubernetes.Interface
}

// EventGroupList is what events prints with -o json, yaml, jsonpath,
// go-template and custom-columns; its fields are documented in
// docs/output.md and kept stable.
type EventGroupList struct {
	APIVersion string           `json:"apiVersion"`
	Kind       string           `json:"kind"`
	Metadata   common.ListMeta  `json:"metadata"`
	Experiment string           `json:"experiment"`
	Namespace  string           `json:"namespace"`
	Items      []eventagg.Group `json:"items"`
}

// EventList is what `events --raw` prints with -o json, yaml, jsonpath,
// go-template and custom-columns.
type EventList struct {
	APIVersion string              `json:"apiVersion"`
	Kind       string              `json:"kind"`
	Metadata   common.ListMeta     `json:"metadata"`
	Experiment string              `json:"experiment"`
	Namespace  string              `json:"namespace"`
	Items      []trialevents.Event `json:"items"`
}

// NewCmdEvents returns the events command.
func NewCmdEvents(getter kube.Getter, streams genericiooptions.IOStreams) *cobra.Command {
	return newCmdEvents(getter, streams, time.Now)
}

// newCmdEvents returns the events command measuring ages against now.
func newCmdEvents(getter kube.Getter, streams genericiooptions.IOStreams, now func() time.Time) *cobra.Command {
	o := &Options{IOStreams: streams, Getter: getter, Now: now}
	cmd := &cobra.Command{
		Use:               "events EXPERIMENT",
		Short:             "Show the events of an experiment's Jobs, pods and Kueue Workloads, grouped",
		Long:              long,
		Example:           example,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: common.CompleteExperiments(getter),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(o.Getter, cmd, args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	f := cmd.Flags()
	o.Print.AddFlags(cmd)
	f.BoolVar(&o.Raw, "raw", false, "List events one by one, oldest first, instead of grouping them.")
	f.BoolVarP(&o.Watch, "watch", "w", false, "After the list, print new events (or groups they update) as they come, until Ctrl-C; a watch that breaks is resumed, and it ends with an error after --"+kube.ServerLossFlag+" without an answer from the API server.")
	f.StringArrayVar(&o.Types, "type", nil, "Only events of this type: Warning or Normal (repeatable).")
	f.StringVar(&o.Trial, "trial", "", "Only the events of this trial's Job and pods (the hash part of its name is enough).")
	_ = cmd.RegisterFlagCompletionFunc("trial", common.CompleteTrials(getter))
	// --for was this flag's first name; every other verb says --trial.
	f.StringVar(&o.Trial, "for", "", "")
	_ = f.MarkDeprecated("for", "use --trial")
	_ = cmd.RegisterFlagCompletionFunc("type", common.CompleteWords(corev1.EventTypeWarning, corev1.EventTypeNormal))
	common.RefuseAllNamespaces(cmd)
	return cmd
}

// Complete reads the experiment argument and builds the client.
func (o *Options) Complete(f kube.Getter, _ *cobra.Command, args []string) error {
	o.Getter = f
	t, err := common.ResolveTarget(o.Getter, args)
	if err != nil {
		return err
	}
	o.experiment, o.namespace, o.client = t.Experiment, t.Namespace, t.Client
	if o.Trial != "" {
		o.Trial = trial.FullName(o.experiment, o.Trial)
	}
	return nil
}

// Validate checks the flags and puts --type values in their canonical case.
func (o *Options) Validate() error {
	if err := o.Print.Validate(); err != nil {
		return err
	}
	if o.Watch && !o.Print.Table() {
		return fmt.Errorf("--watch prints tables: it cannot be used with --output %s", o.Print.Output)
	}
	for i, t := range o.Types {
		switch strings.ToLower(t) {
		case "warning":
			o.Types[i] = corev1.EventTypeWarning
		case "normal":
			o.Types[i] = corev1.EventTypeNormal
		default:
			return fmt.Errorf("--type: unknown event type %q (allowed: Warning, Normal)", t)
		}
	}
	return nil
}

// Run prints the experiment's events once, or follows them with --watch.
func (o *Options) Run(ctx context.Context) error {
	var (
		jobs   []batchv1.Job
		pods   []corev1.Pod
		events []corev1.Event
	)
	g := kube.Reads()
	sel := keys.ForExperiment(o.experiment)
	g.Go(func() (err error) {
		jobs, err = kube.ListJobs(ctx, o.client, o.namespace, sel)
		return err
	})
	if !o.Watch { // --watch gets pods and events from its informers
		g.Go(func() (err error) {
			pods, err = kube.ListPods(ctx, o.client, o.namespace, sel)
			return err
		})
		g.Go(func() (err error) {
			events, err = kube.ListEvents(ctx, o.client, o.namespace)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	m, err := o.members(jobs, pods)
	if err != nil {
		return err
	}
	if o.Watch {
		return o.follow(ctx, m)
	}
	evs := m.Pick(events, pods, o.Types)
	if !o.Print.Table() {
		return o.Print.PrintList(o.Out, o.result(evs))
	}
	if len(evs) == 0 {
		o.noEvents()
		return nil
	}
	p := o.printer()
	if o.Raw {
		return p.PrintRaw(o.Out, evs)
	}
	return p.PrintGroups(o.Out, o.aggregate(evs))
}

// members builds the experiment's membership test, or says the experiment
// (or the --trial trial) does not exist.
func (o *Options) members(jobs []batchv1.Job, pods []corev1.Pod) (*trialevents.Members, error) {
	if len(jobs) == 0 {
		return nil, kube.ExperimentNotFound(o.experiment, o.namespace)
	}
	m := trialevents.NewMembers(o.experiment, jobs, pods)
	if o.Trial != "" {
		if !m.HasJob(o.Trial) {
			return nil, fmt.Errorf("--trial: trial %q is not in experiment %q (see `kubectl mlexp status %s`)", o.Trial, o.experiment, o.experiment)
		}
		m.Only = o.Trial
	}
	m.Follow = o.Watch
	return m, nil
}

func (o *Options) aggregate(evs []trialevents.Event) []eventagg.Group {
	a := eventagg.NewAggregator(eventagg.NewNormalizer(o.experiment))
	for _, e := range evs {
		a.Add(e.Event)
	}
	return a.Groups()
}

func (o *Options) result(evs []trialevents.Event) any {
	if o.Raw {
		if evs == nil {
			evs = []trialevents.Event{}
		}
		return EventList{APIVersion: common.APIVersion, Kind: "EventList", Experiment: o.experiment, Namespace: o.namespace, Items: evs}
	}
	gs := o.aggregate(evs)
	if gs == nil {
		gs = []eventagg.Group{}
	}
	return EventGroupList{APIVersion: common.APIVersion, Kind: "EventGroupList", Experiment: o.experiment, Namespace: o.namespace, Items: gs}
}

func (o *Options) noEvents() {
	fmt.Fprintf(o.ErrOut, "No events found for experiment %s in namespace %s (events expire an hour after they were last seen by default; `kubectl mlexp status %s` shows the trials' state).\n",
		o.experiment, o.namespace, o.experiment)
}

func (o *Options) printer() *Printer {
	return &Printer{NoHeaders: o.Print.NoHeaders, Now: o.Now}
}
