// Package list implements `kubectl mlexp list`: the experiments of a
// namespace with trial counts by state, from one List of Jobs and one of pods.
package list

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/cli-runtime/pkg/printers"
	"k8s.io/kubectl/pkg/util/templates"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/labels"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

var example = templates.Examples(`
	# Experiments in the current namespace
	kubectl mlexp list

	# In every namespace, as JSON
	kubectl mlexp list -A -o json`)

// Options holds the list command's flags.
type Options struct {
	genericiooptions.IOStreams
	Getter        kube.Getter
	AllNamespaces bool
	Output        string
	NoHeaders     bool
	// Now returns the current time; tests fix it.
	Now func() time.Time
}

// Experiment is one row of `list`.
type Experiment struct {
	Name      string         `json:"name"`
	Namespace string         `json:"namespace"`
	Trials    int            `json:"trials"`
	States    map[string]int `json:"states"`
	Created   time.Time      `json:"created"`
	counts    trial.Counts
}

// NewCmdList returns the list command.
func NewCmdList(getter kube.Getter, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{IOStreams: streams, Getter: getter, Now: time.Now}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List experiments with their trial counts by state",
		Example: example,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := common.ValidateOutput(o.Output, "", "wide", "json", "yaml", "name"); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	cmd.Flags().BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "List experiments in every namespace.")
	cmd.Flags().StringVarP(&o.Output, "output", "o", "", "Output format: wide, json, yaml or name.")
	cmd.Flags().BoolVar(&o.NoHeaders, "no-headers", false, "Print the table without its header row.")
	return cmd
}

// Run lists the experiments.
func (o *Options) Run(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ns, err := o.Getter.Namespace()
	if err != nil {
		return err
	}
	if o.AllNamespaces {
		ns = ""
	}
	c, err := o.Getter.KubernetesClientSet()
	if err != nil {
		return err
	}
	jobs, pods, err := kube.ListJobsAndPods(ctx, c, ns, labels.AnyExperiment())
	if err != nil {
		return err
	}
	exps := Group(trial.Collect(jobs, pods))
	if len(exps) == 0 {
		if o.Output == "json" || o.Output == "yaml" {
			return common.PrintData(o.Out, o.Output, []Experiment{})
		}
		common.NoResources(o.ErrOut, ns, o.AllNamespaces)
		return nil
	}
	switch o.Output {
	case "json", "yaml":
		return common.PrintData(o.Out, o.Output, exps)
	case "name":
		for _, e := range exps {
			fmt.Fprintf(o.Out, "experiment/%s\n", e.Name)
		}
		return nil
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
			out = append(out, Experiment{Name: s.Experiment, Namespace: s.Namespace, Created: s.Created, counts: trial.Counts{}})
		}
		e := &out[i]
		e.Trials++
		e.counts[s.State]++
		if s.Created.Before(e.Created) {
			e.Created = s.Created
		}
	}
	for i := range out {
		out[i].States = map[string]int{}
		for st, n := range out[i].counts {
			out[i].States[strings.ToLower(string(st))] = n
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
	head = append(head, "NAME", "TRIALS", "PENDING", "RUNNING", "SUCCEEDED", "FAILED")
	if o.Output == "wide" {
		head = append(head, "OOMKILLED", "SUSPENDED")
	}
	head = append(head, "AGE")
	if !o.NoHeaders {
		fmt.Fprintln(tw, strings.Join(head, "\t"))
	}
	now := o.Now()
	for _, e := range exps {
		var row []string
		if o.AllNamespaces {
			row = append(row, e.Namespace)
		}
		failed := e.counts[trial.Failed]
		if o.Output != "wide" {
			failed += e.counts[trial.OOMKilled]
		}
		row = append(row, e.Name, fmt.Sprint(e.Trials), fmt.Sprint(e.counts[trial.Pending]),
			fmt.Sprint(e.counts[trial.Running]), fmt.Sprint(e.counts[trial.Succeeded]), fmt.Sprint(failed))
		if o.Output == "wide" {
			row = append(row, fmt.Sprint(e.counts[trial.OOMKilled]), fmt.Sprint(e.counts[trial.Suspended]))
		}
		row = append(row, duration.HumanDuration(now.Sub(e.Created)))
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}
