// Package list implements `kubectl mlexp list`: the experiments of a
// namespace with trial counts by state, from one List of Jobs and one of pods.
package list

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	k8slabels "k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/cli-runtime/pkg/printers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/kubectl/pkg/util/templates"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

var example = templates.Examples(`
	# Experiments in the current namespace
	kubectl mlexp list

	# In every namespace, as JSON
	kubectl mlexp list -A -o json

	# Names only, e.g. to delete every experiment of the namespace
	kubectl mlexp list -o name | xargs kubectl mlexp delete

	# The experiments with running trials, newest first
	kubectl mlexp list --sort-by .created -o custom-columns=NAME:.name,RUNNING:.counts.running`)

// Options holds the list command's flags.
type Options struct {
	genericiooptions.IOStreams
	Getter        kube.Getter
	AllNamespaces bool
	Print         common.PrintFlags
	SortBy        string
	// Now returns the current time; tests fix it.
	Now func() time.Time

	namespace string // "" with --all-namespaces
	client    kubernetes.Interface
}

// ExperimentList is what list prints with -o json, yaml, jsonpath,
// go-template and custom-columns (fields in docs/output.md).
type ExperimentList struct {
	APIVersion string          `json:"apiVersion"`
	Kind       string          `json:"kind"`
	Metadata   common.ListMeta `json:"metadata"`
	Items      []Experiment    `json:"items"`
}

// Experiment is one row of `list`.
type Experiment struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
	// Queues are the Kueue LocalQueues the trials were submitted to.
	Queues []string `json:"queues,omitempty"`
	Trials int      `json:"trials"`
	// Counts has every state, lowercase, with its number of trials.
	Counts  map[string]int `json:"counts"`
	Created time.Time      `json:"created"`
	// Labels are the labels every Job of the experiment carries.
	Labels map[string]string `json:"labels,omitempty"`
	counts trial.Counts
}

// NewCmdList returns the list command.
func NewCmdList(getter kube.Getter, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{IOStreams: streams, Getter: getter, Now: time.Now,
		Print: common.PrintFlags{Tables: []string{"wide"}, NameKind: common.ExperimentKind, LabelsOf: "each experiment (those all its Jobs carry)"}}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List experiments with their trial counts by state",
		Example: example,
		Args:    cobra.NoArgs,
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
	cmd.Flags().BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "List experiments in every namespace.")
	o.Print.AddFlags(cmd)
	cmd.Flags().StringVar(&o.SortBy, "sort-by", "", "Sort by a JSONPath expression on the fields of docs/output.md, as kubectl get does, e.g. .created, .trials, .counts.failed.")
	_ = cmd.RegisterFlagCompletionFunc("sort-by", common.CompleteWords(".name", ".namespace", ".trials", ".created", ".counts."))
	return cmd
}

// Complete reads the namespace and builds the client.
func (o *Options) Complete(f kube.Getter, _ *cobra.Command, _ []string) error {
	o.Getter = f
	var err error
	if o.namespace, err = o.Getter.Namespace(); err != nil {
		return err
	}
	if o.AllNamespaces {
		o.namespace = ""
	}
	o.client, err = o.Getter.KubernetesClientSet()
	return err
}

// Validate checks the output flags.
func (o *Options) Validate() error {
	return o.Print.Validate()
}

// Run lists the experiments.
func (o *Options) Run(ctx context.Context) error {
	ns, c := o.namespace, o.client
	jobs, pods, err := kube.ListJobsAndPods(ctx, c, ns, keys.AnyExperiment())
	if err != nil {
		return err
	}
	statuses := trial.FromJobs(jobs, pods)
	if err := trial.ReadKueue(ctx, o.Getter, c, ns, jobs, statuses); err != nil {
		return err
	}
	exps := Group(statuses)
	if err := common.SortItems(exps, o.SortBy); err != nil {
		return err
	}
	if len(exps) == 0 && (o.Print.Table() || o.Print.Output == "name") {
		common.NoResources(o.ErrOut, ns, o.AllNamespaces)
		return nil
	}
	if !o.Print.Table() {
		if exps == nil {
			exps = []Experiment{}
		}
		return o.Print.PrintList(o.Out, ExperimentList{APIVersion: common.APIVersion, Kind: "ExperimentList", Items: exps})
	}
	return o.print(o.Out, exps)
}

// Group folds trial statuses into one row per (namespace, experiment).
func Group(statuses []trial.Status) []Experiment {
	idx := map[string]int{}
	var out []Experiment
	for _, s := range statuses {
		key := s.Namespace + "/" + s.Experiment
		i, ok := idx[key]
		if !ok {
			i = len(out)
			idx[key] = i
			out = append(out, Experiment{Name: s.Experiment, Namespace: s.Namespace, Created: s.Created,
				Labels: maps.Clone(s.Labels), counts: trial.Counts{}})
		}
		e := &out[i]
		for k, v := range e.Labels {
			if w, ok := s.Labels[k]; !ok || w != v {
				delete(e.Labels, k)
			}
		}
		if s.Queueing != nil && !slices.Contains(e.Queues, s.Queueing.Queue) {
			e.Queues = append(e.Queues, s.Queueing.Queue)
		}
		e.Trials++
		e.counts[s.State]++
		if s.Created.Before(e.Created) {
			e.Created = s.Created
		}
	}
	for i := range out {
		out[i].Counts = map[string]int{}
		for _, st := range trial.States {
			out[i].Counts[strings.ToLower(string(st))] = out[i].counts[st]
		}
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].Namespace != out[b].Namespace {
			return out[a].Namespace < out[b].Namespace
		}
		return out[a].Name < out[b].Name
	})
	return out
}

func (o *Options) print(w io.Writer, exps []Experiment) error {
	tw := printers.GetNewTabWriter(w)
	var head []string
	if o.AllNamespaces {
		head = append(head, "NAMESPACE")
	}
	head = append(head, "NAME", "QUEUE", "TRIALS", "PENDING", "RUNNING", "SUCCEEDED", "FAILED")
	wide := o.Print.Output == "wide"
	if wide {
		head = append(head, "QUEUED", "OOMKILLED", "SUSPENDED")
	}
	head = append(head, "AGE")
	if o.Print.ShowLabels {
		head = append(head, "LABELS")
	}
	if !o.Print.NoHeaders {
		fmt.Fprintln(tw, strings.Join(head, "\t"))
	}
	now := o.Now()
	for _, e := range exps {
		var row []string
		if o.AllNamespaces {
			row = append(row, e.Namespace)
		}
		// Without -o wide, PENDING counts the trials waiting in a queue
		// too, and FAILED the OOMKilled ones.
		failed, pending := e.counts[trial.Failed], e.counts[trial.Pending]
		if !wide {
			failed += e.counts[trial.OOMKilled]
			pending += e.counts[trial.Queued]
		}
		queue := "<none>"
		if len(e.Queues) > 0 {
			queue = strings.Join(e.Queues, ",")
		}
		row = append(row, e.Name, queue, fmt.Sprint(e.Trials), fmt.Sprint(pending),
			fmt.Sprint(e.counts[trial.Running]+e.counts[trial.Unknown]), fmt.Sprint(e.counts[trial.Succeeded]), fmt.Sprint(failed))
		if wide {
			row = append(row, fmt.Sprint(e.counts[trial.Queued]), fmt.Sprint(e.counts[trial.OOMKilled]), fmt.Sprint(e.counts[trial.Suspended]))
		}
		row = append(row, duration.HumanDuration(now.Sub(e.Created)))
		if o.Print.ShowLabels {
			row = append(row, k8slabels.FormatLabels(e.Labels))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}
