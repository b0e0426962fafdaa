package experiment

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// noEnv is an environment where nothing is set.
func noEnv(string) (string, bool) { return "", false }

// env returns an environment holding kv pairs.
func env(kv ...string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i] == k {
				return kv[i+1], true
			}
		}
		return "", false
	}
}

// The pieces of a small valid native file, for error cases to extend.
const (
	head = "apiVersion: mlexp.dev/v1alpha1\nkind: Experiment\nmetadata: {name: t}\nspec:\n" // lines 1-4
	grid = "  parameters:\n    grid:\n      model: [m1, m2]\n"                              // lines 5-7
	tmpl = "  template:\n    spec:\n      template:\n        spec:\n          containers:\n" +
		"          - name: ml\n            image: img:${model}\n" // lines 8-14; the container continues on 15
)

func TestParseErrors(t *testing.T) {
	tests := map[string]struct {
		in   string
		opts Options
		want string
	}{
		"empty file":        {in: "", want: "t.yaml: file is empty"},
		"only comments":     {in: "# nothing\n", want: "t.yaml: file is empty"},
		"yaml syntax":       {in: "a: [", want: "t.yaml:1: did not find expected node content"},
		"two documents":     {in: "- 1\n---\n- 2\n", want: "t.yaml:2:1: a file holds one experiment: found a second YAML document"},
		"scalar":            {in: "42\n", want: "t.yaml:1:1: want an Experiment (apiVersion: mlexp.dev/v1alpha1) or a list of script + args, got the integer 42"},
		"a Job":             {in: "apiVersion: batch/v1\nkind: Job\nspec: {}\n", want: "t.yaml:1:1: this file is a Job, not an Experiment: put the Job under spec.template of an Experiment (apiVersion: mlexp.dev/v1alpha1)"},
		"no apiVersion":     {in: "kind: Experiment\n", want: "t.yaml:1:1: apiVersion is missing: want apiVersion: mlexp.dev/v1alpha1"},
		"other apiVersion":  {in: "apiVersion: mlexp.dev/v2\nkind: Experiment\n", want: `t.yaml:1:13: unknown apiVersion "mlexp.dev/v2": want mlexp.dev/v1alpha1`},
		"other kind":        {in: "apiVersion: mlexp.dev/v1alpha1\nkind: Sweep\n", want: `t.yaml:2:7: kind is "Sweep": want Experiment`},
		"unknown top field": {in: "apiVersion: mlexp.dev/v1alpha1\nkind: Experiment\nmetdata: {}\n", want: `t.yaml:3:1: unknown field "metdata" in the experiment (did you mean "metadata"?)`},
		"duplicate key":     {in: "apiVersion: mlexp.dev/v1alpha1\nkind: Experiment\nkind: Experiment\n", want: `t.yaml:3:1: duplicate key "kind" (first at line 2)`},
		"no name":           {in: "apiVersion: mlexp.dev/v1alpha1\nkind: Experiment\nspec: {}\n", want: "t.yaml:1:1: metadata.name is missing: name the experiment (or pass --name)"},
		"bad name":          {in: "apiVersion: mlexp.dev/v1alpha1\nkind: Experiment\nmetadata: {name: Bad_Name}\n", want: `t.yaml:3:18: metadata.name: invalid experiment name "Bad_Name": want lowercase letters, digits and '-', starting and ending with a letter or digit`},
		"long name": {in: "apiVersion: mlexp.dev/v1alpha1\nkind: Experiment\nmetadata: {name: " + strings.Repeat("a", 41) + "}\n",
			want: `t.yaml:3:18: metadata.name: experiment name "` + strings.Repeat("a", 41) + `" is 41 characters long: at most 40 (trial names append 9 characters)`},
		"bad --name":      {in: head + grid + tmpl, opts: Options{Name: "-x"}, want: `t.yaml: --name: invalid experiment name "-x": want lowercase letters, digits and '-', starting and ending with a letter or digit`},
		"seed flags":      {in: head + grid + tmpl, opts: Options{CPU: "1"}, want: "t.yaml: --command, --cpu, --memory and --param-names only apply to the list format (the blog post's experiments.yaml, a list of script + args); set them in spec.template"},
		"empty spec":      {in: head, want: "t.yaml:4:6: spec: want a mapping, got null"},
		"unknown in spec": {in: head + "  parameterz: {}\n", want: `t.yaml:5:3: unknown field "parameterz" in spec (did you mean "parameters"?)`},
		"no template":     {in: head + grid, want: "t.yaml:4:1: spec.template is missing: give the Job (spec.template.spec.template.spec.containers...)"},

		// parameters
		"empty axis":        {in: head + "  parameters:\n    grid:\n      model: []\n" + tmpl, want: `t.yaml:7:14: grid axis "model" has no values`},
		"scalar axis":       {in: head + "  parameters:\n    grid:\n      model: m1\n" + tmpl, want: `t.yaml:7:14: grid axis "model": want a list, got the string "m1"`},
		"non-scalar value":  {in: head + "  parameters:\n    grid:\n      model: [{a: 1}]\n" + tmpl, want: `t.yaml:7:15: value of "model": parameter values must be a string, number or bool, got a mapping`},
		"null value":        {in: head + "  parameters:\n    grid: {model: [a, null]}\n" + tmpl, want: `t.yaml:6:23: value of "model" is null: parameter values must be a string, number or bool`},
		"bad param name":    {in: head + "  parameters:\n    grid:\n      1model: [a]\n" + tmpl, want: `t.yaml:7:7: invalid parameter name "1model": want a letter or _ followed by letters, digits, _ or - (not ending in -)`},
		"env is reserved":   {in: head + "  parameters:\n    grid:\n      env: [a]\n" + tmpl, want: `t.yaml:7:7: parameter name "env" is reserved for ${env.NAME}`},
		"value twice":       {in: head + "  parameters:\n    grid:\n      model: [a, b, a]\n" + tmpl, want: `t.yaml:7:21: value a of "model" is listed twice (first at line 7)`},
		"defined twice":     {in: head + "  parameters:\n    grid:\n      model: [a]\n    list:\n      - {model: b}\n" + tmpl, want: `t.yaml:9:17: parameter "model" is defined twice (first at line 7)`},
		"rows differ":       {in: head + "  parameters:\n    list:\n      - {model: a, x: 1}\n      - {model: b}\n" + tmpl, want: "t.yaml:8:9: all rows of list must name the same parameters: this row names [model], the row at line 7 names [model, x]"},
		"empty list":        {in: head + "  parameters:\n    list: []\n" + tmpl, want: "t.yaml:6:11: list has no rows"},
		"include misses":    {in: head + "  parameters:\n    grid: {model: [a]}\n    include:\n      - {x: a}\n" + tmpl, want: "t.yaml:8:9: include rows must name every parameter: this row names [x], the parameters are [model]"},
		"exclude unknown":   {in: head + "  parameters:\n    grid: {model: [a]}\n    exclude:\n      - {x: a}\n" + tmpl, want: `t.yaml:8:9: exclude names "x", which is not a parameter (parameters: [model])`},
		"no parameters":     {in: head + "  parameters: {}\n" + tmpl, want: "t.yaml:5:3: the parameter space is empty: give grid, list or random"},
		"unknown dist":      {in: head + "  parameters:\n    random: {count: 2, params: {lr: {normal: [1, 2]}}}\n" + tmpl, want: `t.yaml:6:38: unknown distribution "normal" for "lr": want uniform, logUniform, intUniform or choice`},
		"misspelled dist":   {in: head + "  parameters:\n    random: {count: 2, params: {lr: {loguniform: [1, 2]}}}\n" + tmpl, want: `t.yaml:6:38: unknown distribution "loguniform" for "lr": want uniform, logUniform, intUniform or choice (did you mean "logUniform"?)`},
		"one bound":         {in: head + "  parameters:\n    random: {count: 2, params: {lr: {uniform: [1]}}}\n" + tmpl, want: `t.yaml:6:47: uniform of "lr": want [low, high], got 1 values`},
		"no count":          {in: head + "  parameters:\n    random: {params: {lr: {uniform: [1, 2]}}}\n" + tmpl, want: "t.yaml:6:5: random.count is missing: say how many samples to draw"},
		"float count":       {in: head + "  parameters:\n    random: {count: 2.5, params: {lr: {uniform: [1, 2]}}}\n" + tmpl, want: "t.yaml:6:21: random.count: want an integer, got the number 2.5"},
		"int bounds":        {in: head + "  parameters:\n    random: {count: 2, params: {n: {intUniform: [1, 2.5]}}}\n" + tmpl, want: `t.yaml:6:53: intUniform of "n": want an integer, got the number 2.5`},
		"log of zero":       {in: head + "  parameters:\n    random: {count: 2, params: {lr: {logUniform: [0, 1]}}}\n" + tmpl, want: `t.yaml:6:33: logUniform of "lr" needs 0 < low <= high, got [0, 1]`},
		"alias":             {in: head + "  parameters:\n    grid: {model: &x [a]}\n    list: [{b: *x}]\n" + tmpl, want: "t.yaml:7:16: aliases (*x) are not supported: write the value out"},
		"custom tag":        {in: head + "  parameters:\n    grid: {model: [!foo a]}\n" + tmpl, want: "t.yaml:6:20: tag !foo is not supported"},
		"unquoted ref flow": {in: head + grid + tmpl + "            env: [{name: A, value: ${x}}]\n", want: `t.yaml:15: did not find expected ',' or '}' (quote values that hold ${...} inside [...] or {...}: "${name}")`},

		// the Job template
		"unknown job field":   {in: head + grid + tmpl + "            imagee: x\n", want: `t.yaml:15:13: unknown field "imagee" in Job spec.template.spec.containers[0] (did you mean "image"?)`},
		"number for a string": {in: head + grid + tmpl + "            args: [10, softmax]\n", want: `t.yaml:15:20: Job spec.template.spec.containers[0].args[0]: want a string, got the integer 10 (quote it: "10")`},
		"string for an int":   {in: head + grid + tmpl + "      backoffLimit: abc\n", want: `t.yaml:15:21: Job spec.backoffLimit: want an integer, got the string "abc"`},
		"partial ref for int": {in: head + grid + tmpl + "      backoffLimit: 1${model}\n", want: `t.yaml:15:21: Job spec.backoffLimit: want an integer: only a whole "${param}" can stand for one, got "1${model}"`},
		"int out of range":    {in: head + grid + tmpl + "      backoffLimit: 99999999999\n", want: "t.yaml:15:21: Job spec.backoffLimit: integer 99999999999 is out of range for int32"},
		"bad quantity":        {in: head + grid + tmpl + "            resources: {limits: {memory: 6GB}}\n", want: `t.yaml:15:42: Job spec.template.spec.containers[0].resources.limits.memory: want a quantity such as 500m, 2 or 6Gi, got "6GB"`},
		"duplicate in job":    {in: head + grid + tmpl + "            resources: {limits: {memory: 6Gi, memory: 7Gi}}\n", want: `t.yaml:15:47: duplicate key "memory" (first at line 15)`},
		"string for a list":   {in: head + grid + tmpl + "            command: python train.py\n", want: `t.yaml:15:22: Job spec.template.spec.containers[0].command: want a list, got the string "python train.py"`},
		"misspelt param":      {in: head + grid + tmpl + "            args: [\"${modle}\"]\n", want: `t.yaml:15:20: Job spec.template.spec.containers[0].args[0]: unknown parameter "modle" in ${modle} (did you mean ${model}?)`},
		"unknown param":       {in: head + grid + tmpl + "            args: [\"${epochs}\"]\n", want: `t.yaml:15:20: Job spec.template.spec.containers[0].args[0]: unknown parameter "epochs" in ${epochs} (write $${epochs} for a literal ${epochs}, ${env.epochs} for an environment variable)`},
		"unset env":           {in: head + grid + tmpl + "            env: [{name: A, value: \"${env.TOKEN}\"}]\n", want: "t.yaml:15:36: Job spec.template.spec.containers[0].env[0].value: environment variable TOKEN is not set (referenced as ${env.TOKEN})"},
		"template name":       {in: head + grid + "  template:\n    metadata: {name: x}\n    spec: {}\n", want: "t.yaml:9:16: spec.template.metadata.name: kubectl-mlexp sets it (trials are named after the experiment and their parameters; the namespace comes from -n or the experiment's metadata.namespace)"},
		"reserved label":      {in: head + grid + "  template:\n    metadata: {labels: {mlexp.dev/trial: x}}\n    spec: {}\n", want: `t.yaml:9:25: Job metadata.labels: key "mlexp.dev/trial" is reserved: kubectl-mlexp sets it`},
		"pod reserved label":  {in: head + grid + "  template:\n    spec:\n      template:\n        metadata: {labels: {app.kubernetes.io/managed-by: me}}\n", want: `t.yaml:11:29: Job spec.template.metadata.labels: key "app.kubernetes.io/managed-by" is reserved: kubectl-mlexp sets it`},
		"template apiVersion": {in: head + grid + "  template:\n    apiVersion: v1\n    spec: {}\n", want: `t.yaml:9:17: spec.template.apiVersion: want batch/v1, got the string "v1"`},
		"template status":     {in: head + grid + "  template:\n    status: {}\n    spec: {}\n", want: `t.yaml:9:5: unknown field "status" in spec.template (a batch/v1 Job) (known fields: apiVersion, kind, metadata, spec)`},
		"keys with refs":      {in: head + grid + "  template:\n    metadata: {labels: {\"${model}\": x}}\n    spec: {}\n", want: `t.yaml:9:25: Job metadata.labels: parameters cannot be used in keys ("${model}")`},
		"no job spec":         {in: head + grid + "  template:\n    metadata: {}\n", want: "t.yaml:9:5: spec.template.spec is missing: give the JobSpec (template.spec.containers...)"},

		// results
		"metric not a group": {in: head + grid + tmpl + "  results: {metric: acc, patterns: ['(?P<accuracy>x)']}\n", want: `t.yaml:15:36: results.metric "acc" is not a named group of any pattern`},
		"bad regexp":         {in: head + grid + tmpl + "  results: {patterns: ['(x']}\n", want: "t.yaml:15:24: results.patterns: error parsing regexp: missing closing ): `(x`"},
		"no named group":     {in: head + grid + tmpl + "  results: {patterns: ['acc (x)']}\n", want: `t.yaml:15:24: results.patterns: "acc (x)" has no named group: write (?P<accuracy>[0-9.]+) to name the metric`},
		"bad goal":           {in: head + grid + tmpl + "  results: {metric: acc, goal: up}\n", want: `t.yaml:15:32: results.goal "up": want max or min`},

		// queue
		"queue not a string": {in: head + grid + tmpl + "  queue: [a]\n", want: `t.yaml:15:10: spec.queue: want a string, got a list`},
		"bad queue":          {in: head + grid + tmpl + "  queue: Team_A\n", want: `t.yaml:15:10: spec.queue: invalid LocalQueue name "Team_A": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`},
		"bad --queue":        {in: head + grid + tmpl, opts: Options{Queue: "a_b"}, want: `t.yaml: --queue: invalid LocalQueue name "a_b": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if tc.opts.Getenv == nil {
				tc.opts.Getenv = noEnv
			}
			_, err := Parse("t.yaml", []byte(tc.in), tc.opts)
			if err == nil {
				t.Fatalf("no error, want %s", tc.want)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("error:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestParseNative(t *testing.T) {
	in := head + "  parameters:\n    grid:\n      model: [m1, m2]\n    list:\n      - {epochs: 10, act: relu, dropout: 0.10}\n" +
		"    random: {count: 3, seed: 7, params: {lr: {logUniform: [1e-4, 0.1]}}}\n" + tmpl +
		"            args: [\"${epochs}\", \"${act}\", \"${dropout}\", \"--lr=${lr}\"]\n" +
		"  results: {metric: accuracy, goal: max, patterns: ['Test accuracy: (?P<accuracy>[0-9.]+)']}\n"
	exp, err := Parse("t.yaml", []byte(in), Options{Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	if exp.Name != "t" || exp.Format != Native || exp.File != "t.yaml" {
		t.Errorf("got name %q, format %q, file %q", exp.Name, exp.Format, exp.File)
	}
	if diff := cmp.Diff([]string{"model", "epochs", "act", "dropout", "lr"}, exp.Space.Names()); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	if got := exp.Space.List[0].Values[2]; got.V != 0.1 || got.Text != "0.10" {
		t.Errorf("dropout = %v %q, want 0.1 written as 0.10", got.V, got.Text)
	}
	if diff := cmp.Diff(ResultsSpec{Metric: "accuracy", Goal: "max", Patterns: []string{"Test accuracy: (?P<accuracy>[0-9.]+)"}}, exp.Results); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]bool{true, true, true, true, true}, exp.Template.Used); diff != "" {
		t.Errorf("used (-want +got):\n%s", diff)
	}
	exp, err = Parse("t.yaml", []byte(head+grid+tmpl), Options{Name: "other", Getenv: noEnv})
	if err != nil || exp.Name != "other" {
		t.Errorf("--name: got %v, %v; want the name other", exp, err)
	}
}

func TestParseQueue(t *testing.T) {
	exp, err := Parse("t.yaml", []byte(head+grid+tmpl+"  queue: team-a\n"), Options{Getenv: noEnv})
	if err != nil || exp.Queue != "team-a" {
		t.Fatalf("spec.queue: got %+v, %v; want queue team-a", exp, err)
	}
	exp, err = Parse("t.yaml", []byte(head+grid+tmpl+"  queue: team-a\n"), Options{Queue: "team-b", Getenv: noEnv})
	if err != nil || exp.Queue != "team-b" {
		t.Fatalf("--queue over spec.queue: got %+v, %v; want queue team-b", exp, err)
	}
	exp, err = Parse("seed.yaml", []byte("- script: img\n  args: [[1]]\n"), Options{Queue: "team-c", Getenv: noEnv})
	if err != nil || exp.Queue != "team-c" {
		t.Fatalf("--queue with the seed format: got %+v, %v; want queue team-c", exp, err)
	}
}

// What the native format gained for Katib files: a namespace, a limit,
// dashed parameter names, and results with Katib's metric names, a target,
// leading columns and filters.
func TestParseNativeKatibFeatures(t *testing.T) {
	in := "apiVersion: mlexp.dev/v1alpha1\nkind: Experiment\nmetadata: {name: t, namespace: team-a}\nspec:\n" +
		"  parameters:\n    grid:\n      num-layers: [1, 2, 3]\n    limit: 2\n" + tmpl +
		"            args: [\"--layers=${num-layers}\"]\n" +
		"  results:\n    metric: Validation-accuracy\n    goal: max\n    target: 0.9\n    columns: [Train-accuracy, \"Test accuracy\"]\n" +
		"    filters: ['([\\w-]+) is ([0-9.]+)']\n    patterns: ['top1 (?P<top1>[0-9.]+)']\n"
	in = strings.Replace(in, "img:${model}", "img", 1)
	exp, err := Parse("t.yaml", []byte(in), Options{Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	target := 0.9
	want := ResultsSpec{Metric: "Validation-accuracy", Goal: "max", Target: &target, Columns: []string{"Train-accuracy", "Test accuracy"},
		Patterns: []string{"top1 (?P<top1>[0-9.]+)"}, Filters: []string{`([\w-]+) is ([0-9.]+)`}}
	if diff := cmp.Diff(want, exp.Results); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if exp.Namespace != "team-a" || exp.Space.Limit != 2 || exp.Space.Size() != 2 || exp.Space.Names()[0] != "num-layers" {
		t.Errorf("namespace %q, limit %d, size %d, names %v", exp.Namespace, exp.Space.Limit, exp.Space.Size(), exp.Space.Names())
	}
}

func TestParseNativeKatibFeatureErrors(t *testing.T) {
	res := func(r string) string { return head + grid + tmpl + "  results: " + r + "\n" }
	tests := map[string]struct{ in, want string }{
		"metric with braces": {res("{metric: \"a{b}\"}"), `t.yaml:15:21: results.metric "a{b}": want a metric name as the log prints it: a letter, then letters, digits, spaces or _ . / @ -`},
		"target, no metric":  {res("{target: 0.9}"), "t.yaml:15:21: results.target needs results.metric"},
		"target a string":    {res("{metric: acc, target: high}"), `t.yaml:15:34: results.target: want a number, got the string "high"`},
		"column twice":       {res("{metric: acc, columns: [loss, Loss]}"), `t.yaml:15:42: results.columns: "Loss" is listed twice (first at line 15)`},
		"column is metric":   {res("{metric: acc, columns: [ACC]}"), `t.yaml:15:36: results.columns: "ACC" is the ranking metric already`},
		"filter, one group":  {res("{filters: ['(a)=1']}"), `t.yaml:15:23: results.filters: "(a)=1" needs two groups, the metric's name then its value, as in ([\w-]+)=([0-9.]+)`},
		"limit 0":            {head + "  parameters:\n    grid: {model: [a]}\n    limit: 0\n" + tmpl, "t.yaml:7:12: limit must be between 1 and 100000, got 0"},
		"bad namespace":      {strings.Replace(head, "{name: t}", "{name: t, namespace: A_B}", 1) + grid + tmpl, `t.yaml:3:32: metadata.namespace: invalid namespace "A_B": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`},
		"dash at the end":    {head + "  parameters:\n    grid: {model-: [a]}\n" + tmpl, `t.yaml:6:12: invalid parameter name "model-": want a letter or _ followed by letters, digits, _ or - (not ending in -)`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte(tc.in), Options{Getenv: noEnv})
			if err == nil || err.Error() != tc.want {
				t.Errorf("error:\n got %v\nwant %s", err, tc.want)
			}
		})
	}
}

// TestParseGoalWords checks that results.goal takes Katib's words,
// maximize and minimize, beside max and min.
func TestParseGoalWords(t *testing.T) {
	for word, want := range map[string]string{"maximize": "max", "minimize": "min", "max": "max"} {
		exp, err := Parse("t.yaml", []byte(head+grid+tmpl+"  results: {metric: acc, goal: "+word+"}\n"), Options{Getenv: noEnv})
		if err != nil || exp.Results.Goal != want {
			t.Errorf("goal %s: got %+v, %v; want goal %s", word, exp, err, want)
		}
	}
}
