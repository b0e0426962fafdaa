// Package logs implements `kubectl mlexp logs`: the logs of every trial of
// an experiment in one stream, each line prefixed by its trial.
package logs

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes"
	"k8s.io/kubectl/pkg/util/templates"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/collect"
	"github.com/mlexp/kubectl-mlexp/pkg/incluster"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/logstream"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

var long = templates.LongDesc(`
	Print the logs of an experiment's trials in one stream, each line whole and
	prefixed by its trial's name, e.g. "[mnist-1a2b3c4d] Epoch 3/10".

	With --all every trial is shown; with a TRIAL argument only that trial (its
	newest pod, when the Job retried it); --trial, --param-selector (on the
	trials' parameters) and -l/--selector (a label selector on their Jobs, as
	in kubectl) narrow --all.
	Without --follow the logs of every pod that has started are printed once, a
	trial after another in the experiment's order (several trials are read at a
	time, up to --max-log-requests), and trials that have not started are named on
	stderr. --tail applies to each container and defaults to the whole log.

	With --follow new lines are printed as they come, trials whose pods start
	later (Pending now, retried pods later) are picked up as their containers
	start, and the command ends by itself when every chosen trial has finished
	and its logs are read, with a one-line summary on stderr. A stream that
	breaks (kubelet restart, network) resumes from its last timestamp without
	losing or repeating a line; a pod deleted meanwhile is reported, not fatal.
	If the API server does not answer for --server-loss-timeout (2 minutes by
	default), it ends with an error. Ctrl-C stops it with exit status 0.

	Each followed container holds one request open; when more containers are
	to be followed than --max-log-requests allows, the rest wait for a stream to
	end and the command says how many wait and how to raise the limit.

	The prefix has a colour of its own per trial on a terminal (--color). With
	-o json every line is a JSON object: trial, pod, container, timestamp,
	message and, with --params, params.`)

var example = templates.Examples(`
	# Every trial's log so far, one trial after another
	kubectl mlexp logs mnist --all

	# Follow the whole experiment until its last trial finishes
	kubectl mlexp logs mnist --all -f

	# The log of a search's driver running in the cluster (submit --driver=cluster)
	kubectl mlexp logs tpe-demo --driver -f

	# The last 10 lines of every trial, with their parameters in the prefix
	kubectl mlexp logs mnist --all --tail 10 --params

	# Only the trials with a given activation and dropout
	kubectl mlexp logs mnist --param-selector activation=relu,dropout=0.2

	# One trial (the hash part of its name is enough)
	kubectl mlexp logs mnist mnist-1a2b3c4d
	kubectl mlexp logs mnist 1a2b3c4d --previous

	# Lines as JSON objects, e.g. for jq
	kubectl mlexp logs mnist --all -o json | jq -r 'select(.message | test("accuracy")) | .trial + " " + .message'`)

// Options holds the logs command's flags and clients.
type Options struct {
	genericiooptions.IOStreams
	Getter kube.Getter

	All bool
	// Driver shows the log of the search's driver running in the cluster.
	Driver        bool
	Follow        bool
	Params        bool
	Color         string
	Since         time.Duration
	SinceTime     string
	Tail          int64
	Timestamps    bool
	TrialFlags    common.TrialFlags
	Previous      bool
	AllContainers bool
	Container     string
	MaxRequests   int
	Output        string
	NoRecord      bool

	// IsTerminal reports whether w is a terminal, for --color auto.
	IsTerminal func(w io.Writer) bool
	// OpenStream, when set, replaces the API request that opens a log.
	OpenStream logstream.OpenFunc
	// RetryDelay, when set, replaces the pause before a broken stream resumes.
	RetryDelay time.Duration

	experiment string
	trial      string
	namespace  string
	client     kubernetes.Interface
	rec        *collect.FollowRecorder // records the metrics of whole logs followed
}

// NewCmdLogs returns the logs command.
func NewCmdLogs(getter kube.Getter, streams genericiooptions.IOStreams) *cobra.Command {
	return newCmd(&Options{IOStreams: streams, Getter: getter, IsTerminal: common.IsTerminal})
}

// newCmd returns the logs command running o; tests set o's seams first.
func newCmd(o *Options) *cobra.Command {
	cmd := &cobra.Command{
		Use:               "logs EXPERIMENT (--all | TRIAL | --driver)",
		Short:             "Print the logs of an experiment's trials in one stream",
		Long:              long,
		Example:           example,
		Args:              cobra.RangeArgs(1, 2),
		ValidArgsFunction: common.CompleteTrials(o.Getter),
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
	o.AddFlags(cmd)
	common.RegisterTrialCompletions(cmd, o.Getter)
	_ = cmd.RegisterFlagCompletionFunc("color", common.CompleteWords(common.ColorValues...))
	_ = cmd.RegisterFlagCompletionFunc("output", common.CompleteWords("json"))
	common.RefuseAllNamespaces(cmd)
	return cmd
}

// AddFlags binds the command's flags to o.
func (o *Options) AddFlags(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.BoolVar(&o.All, "all", false, "Show every trial of the experiment.")
	fs.BoolVar(&o.Driver, "driver", false, "Show the log of the search's driver running in the cluster (submit --driver=cluster), not the trials'; -f follows it across a replaced pod.")
	fs.BoolVarP(&o.Follow, "follow", "f", false, "Stream new lines, pick up trials as they start, and end when every chosen trial has finished.")
	fs.BoolVar(&o.Params, "params", false, "Put each trial's parameters in the prefix (and in JSON objects).")
	fs.StringVar(&o.Color, "color", "auto", `Colour each trial's prefix: "auto" (on a terminal, unless NO_COLOR is set), "always" or "never".`)
	fs.DurationVar(&o.Since, "since", 0, "Only lines newer than a relative duration like 5s, 2m or 3h.")
	fs.StringVar(&o.SinceTime, "since-time", "", "Only lines after a date (RFC3339).")
	fs.Int64Var(&o.Tail, "tail", -1, "Lines of the end of each container's log to show; -1 shows all.")
	fs.BoolVar(&o.Timestamps, "timestamps", false, "Keep each line's timestamp (RFC3339) after the prefix.")
	o.TrialFlags.AddFlags(fs, "Show")
	fs.BoolVarP(&o.Previous, "previous", "p", false, "Show the previous, terminated instance of each container that restarted.")
	fs.BoolVar(&o.AllContainers, "all-containers", false, "Show every container of each pod, init containers first.")
	fs.StringVarP(&o.Container, "container", "c", "", "Show this container (default: the pod's default container, else its first).")
	fs.IntVar(&o.MaxRequests, "max-log-requests", logstream.DefaultMaxRequests, "Most log requests open at once; following, streams beyond it wait for one to end.")
	// The first release called it --max-requests; kubectl calls it --max-log-requests.
	fs.IntVar(&o.MaxRequests, "max-requests", logstream.DefaultMaxRequests, "")
	_ = fs.MarkDeprecated("max-requests", "use --max-log-requests")
	fs.BoolVar(&o.NoRecord, "no-record", false, "Following, do not record the metrics of finished trials whose whole log was read on their Jobs (annotation "+keys.Results+", as results does).")
	fs.StringVarP(&o.Output, "output", "o", "", `Output format: "" (prefixed text) or "json" (one object per line).`)
}

// Complete reads the arguments and builds the client.
func (o *Options) Complete(f kube.Getter, _ *cobra.Command, args []string) error {
	o.Getter = f
	var err error
	if o.experiment, err = common.ExperimentArg(args); err != nil {
		return err
	}
	if len(args) > 1 {
		o.trial = trial.FullName(o.experiment, args[1])
	}
	if o.namespace, err = o.Getter.Namespace(); err != nil {
		return err
	}
	o.client, err = o.Getter.KubernetesClientSet()
	return err
}

// Validate checks the flags; it changes nothing and does no I/O.
func (o *Options) Validate() error {
	narrowed := o.TrialFlags.Narrowed()
	if o.Driver {
		if o.trial != "" || o.All || narrowed {
			return fmt.Errorf("--driver shows the driver's log: it cannot be used with a TRIAL or --all/--trial/--param-selector/--selector")
		}
		return nil
	}
	switch {
	case o.trial != "" && (o.All || narrowed):
		return fmt.Errorf("give a TRIAL argument or --all/--trial/--param-selector/--selector, not both")
	case o.trial == "" && !o.All && !narrowed:
		return fmt.Errorf("choose the trials: --all for every trial, or a TRIAL name (see `kubectl mlexp status %s`)", o.experiment)
	case o.AllContainers && o.Container != "":
		return fmt.Errorf("--all-containers and --container cannot be used together")
	case o.Previous && o.Follow:
		return fmt.Errorf("--previous shows terminated containers: it cannot be used with --follow")
	case o.Since != 0 && o.SinceTime != "":
		return fmt.Errorf("--since and --since-time cannot be used together")
	case o.Since < 0:
		return fmt.Errorf("--since must be positive, got %v", o.Since)
	case o.Tail < -1:
		return fmt.Errorf("--tail must be -1 (all) or more, got %d", o.Tail)
	case o.MaxRequests < 1:
		return fmt.Errorf("--max-log-requests must be at least 1, got %d", o.MaxRequests)
	}
	if err := common.ValidateOutput(o.Output, "", "json"); err != nil {
		return err
	}
	switch o.Color {
	case "auto", "always", "never":
	default:
		return fmt.Errorf(`--color: unknown value %q (allowed: auto, always, never)`, o.Color)
	}
	_, err := o.config()
	return err
}

// config turns the flags into the engine's Config.
func (o *Options) config() (logstream.Config, error) {
	c := logstream.Config{
		Client: o.client, Namespace: o.namespace, Experiment: o.experiment,
		Out: o.Out, ErrOut: o.ErrOut, OpenStream: o.OpenStream, RetryDelay: o.RetryDelay,
	}
	var err error
	if o.SinceTime != "" {
		if c.SinceTime, err = time.Parse(time.RFC3339, o.SinceTime); err != nil {
			return c, fmt.Errorf("--since-time: want an RFC3339 date like 2024-05-01T10:00:00Z: %w", err)
		}
	}
	filter, err := o.TrialFlags.Filter(o.experiment)
	if err != nil {
		return c, err
	}
	if c.Filter.Labels, err = o.TrialFlags.Labels(); err != nil {
		return c, err
	}
	c.Filter.Trials, c.Filter.Selector = filter.Names, filter.Params
	if o.trial != "" {
		c.Filter.Trials, c.Filter.NewestPodOnly = []string{o.trial}, true
	}
	c.Filter.Container, c.Filter.AllContainers, c.Filter.Previous = o.Container, o.AllContainers, o.Previous
	c.Format = logstream.Format{JSON: o.Output == "json", Timestamps: o.Timestamps, Params: o.Params}
	c.Follow, c.Since, c.Tail, c.MaxRequests = o.Follow, o.Since, o.Tail, o.MaxRequests
	o.rec, c.Observe = nil, nil
	if o.Follow && !o.NoRecord && o.Tail < 0 && o.Since == 0 && o.SinceTime == "" {
		// Whole logs are read as trials finish: record what they report,
		// so a later results reads none of them again.
		o.rec = &collect.FollowRecorder{Recorder: collect.Recorder{Client: c.Client, Namespace: c.Namespace, ErrOut: o.ErrOut, MaxRequests: o.MaxRequests}}
		c.Observe = o.rec.Observe
	}
	return c, nil
}

// color decides whether prefixes are coloured: "auto" asks the terminal
// and NO_COLOR, which Run does, not Validate.
func (o *Options) color() bool {
	switch o.Color {
	case "always":
		return true
	case "auto":
		noColor := os.Getenv("NO_COLOR") != "" // https://no-color.org
		return o.Output == "" && !noColor && o.IsTerminal != nil && o.IsTerminal(o.Out)
	}
	return false
}

// Run prints the logs; following, it ends with a summary line on stderr.
func (o *Options) Run(ctx context.Context) error {
	cfg, err := o.config()
	if err != nil {
		return err
	}
	if o.Driver {
		return incluster.Logs(ctx, o.client, o.namespace, o.experiment,
			incluster.LogOptions{Follow: o.Follow, Timestamps: o.Timestamps}, o.Out)
	}
	cfg.Format.Color = o.color()
	sum, err := logstream.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if o.Follow {
		fmt.Fprintln(o.ErrOut, sum.String())
	}
	if o.rec != nil && !sum.Interrupted {
		o.rec.Finish(ctx, sum.Trials)
	}
	return nil
}
