package experiment

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment/model"
	"github.com/mlexp/kubectl-mlexp/pkg/space"
)

// katibFile is a small Katib Experiment; the pieces below replace its
// parameters, algorithm or template.
type katibFile struct {
	spec       string // lines of spec before parameters, indented 2
	parameters string
	template   string
}

const (
	katibHead = "apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nmetadata:\n  name: k\nspec:\n" // lines 1-5
	katibObj  = "  objective:\n    type: maximize\n    goal: 0.9\n    objectiveMetricName: Validation-accuracy\n" +
		"  algorithm:\n    algorithmName: grid\n" // lines 6-11
	katibParams = "  parameters:\n" +
		"    - name: lr\n      parameterType: double\n      feasibleSpace: {min: \"0.01\", max: \"0.03\", step: \"0.01\"}\n" +
		"    - name: num-layers\n      parameterType: int\n      feasibleSpace: {min: \"2\", max: \"4\"}\n" // lines 12-18
	katibTmpl = "  trialTemplate:\n    primaryContainerName: training\n    trialParameters:\n" +
		"      - {name: learningRate, reference: lr}\n      - {name: numLayers, reference: num-layers}\n" +
		"    trialSpec:\n      apiVersion: batch/v1\n      kind: Job\n      spec:\n        template:\n          spec:\n" +
		"            containers:\n            - name: training\n              image: img\n" +
		"              command: [train, \"--lr=${trialParameters.learningRate}\", \"--layers=${trialParameters.numLayers}\"]\n" // lines 19-33
)

func (k katibFile) String() string {
	obj, params, tmpl := katibObj, katibParams, katibTmpl
	if k.parameters != "" {
		params = k.parameters
	}
	if k.template != "" {
		tmpl = k.template
	}
	return katibHead + obj + k.spec + params + tmpl
}

func parseKatib(t *testing.T, in string) *Experiment {
	t.Helper()
	exp, err := Parse("k.yaml", []byte(in), Options{Getenv: noEnv})
	if err != nil {
		t.Fatal(err)
	}
	return exp
}

// texts returns the parameter texts of the trials of exp.
func texts(t *testing.T, exp *Experiment) []string {
	t.Helper()
	points, _, err := exp.Space.Expand()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range points {
		out = append(out, strings.Join(p.Text, " "))
	}
	return out
}

func TestKatibSmall(t *testing.T) {
	exp := parseKatib(t, katibFile{}.String())
	if exp.Format != Katib || exp.Name != "k" || exp.Namespace != "" {
		t.Errorf("format %s, name %q, namespace %q", exp.Format, exp.Name, exp.Namespace)
	}
	want := []string{"0.01 2", "0.01 3", "0.01 4", "0.02 2", "0.02 3", "0.02 4", "0.03 2", "0.03 3", "0.03 4"}
	if diff := cmp.Diff(want, texts(t, exp)); diff != "" {
		t.Errorf("grid (-want +got):\n%s", diff)
	}
	goal := 0.9
	if diff := cmp.Diff(ResultsSpec{Metric: "Validation-accuracy", Goal: "max", Target: &goal}, exp.Results); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]bool{true, true}, exp.Template.Used); diff != "" {
		t.Errorf("used (-want +got):\n%s", diff)
	}
	if len(exp.Warnings) != 0 {
		t.Errorf("warnings: %q", exp.Warnings)
	}
}

// The grid takes Katib's values: int ranges with a step of 1 by default,
// double ranges computed exactly, the last step dropped past max.
func TestKatibGridValues(t *testing.T) {
	param := func(typ, fs string) string {
		return "  parameters:\n    - name: x\n      parameterType: " + typ + "\n      feasibleSpace: " + fs + "\n"
	}
	tmpl := strings.Replace(katibTmpl, "      - {name: numLayers, reference: num-layers}\n", "", 1)
	tmpl = strings.Replace(tmpl, ", \"--layers=${trialParameters.numLayers}\"", "", 1)
	tmpl = strings.Replace(tmpl, "reference: lr", "reference: x", 1)
	tests := map[string]struct {
		param string
		want  []string
	}{
		"int, step 1 by default":      {param("int", `{min: "1", max: "4"}`), []string{"1", "2", "3", "4"}},
		"int with a step":             {param("int", `{min: "1", max: "10", step: "4"}`), []string{"1", "5", "9"}},
		"int, unquoted":               {param("int", `{min: 1, max: 2}`), []string{"1", "2"}},
		"negative ints":               {param("int", `{min: "-2", max: "0"}`), []string{"-2", "-1", "0"}},
		"double: exact decimal steps": {param("double", `{min: "0.1", max: "0.3", step: "0.1"}`), []string{"0.1", "0.2", "0.3"}},
		"double: katib's grid.yaml":   {param("double", `{min: "0.01", max: "0.05", step: "0.005"}`), []string{"0.01", "0.015", "0.02", "0.025", "0.03", "0.035", "0.04", "0.045", "0.05"}},
		"double: step past max":       {param("double", `{min: "0.5", max: "1", step: "0.3"}`), []string{"0.5", "0.8"}},
		"double: whole numbers":       {param("double", `{min: "1", max: "2", step: "0.5"}`), []string{"1.0", "1.5", "2.0"}},
		"double: exponents":           {param("double", `{min: "1e-5", max: "3e-5", step: "1e-5"}`), []string{"1e-05", "2e-05", "3e-05"}},
		"double: min equals max":      {param("double", `{min: "0.5", max: "0.5", step: "1"}`), []string{"0.5"}},
		"categorical":                 {param("categorical", `{list: [sgd, adam, "1"]}`), []string{"sgd", "adam", "1"}},
		"discrete":                    {param("discrete", `{list: ["16", "32", "0.5"]}`), []string{"16", "32", "0.5"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			exp := parseKatib(t, katibFile{parameters: tc.param, template: tmpl}.String())
			if diff := cmp.Diff(tc.want, texts(t, exp)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	exp := parseKatib(t, katibFile{parameters: param("discrete", `{list: ["16", "0.5", "x"]}`), template: tmpl}.String())
	if vals := exp.Space.Grid[0].Values; vals[0].V != int64(16) || vals[1].V != 0.5 || vals[2].V != "x" {
		t.Errorf("discrete values %v %v %v: want 16, 0.5 and the string x", vals[0].V, vals[1].V, vals[2].V)
	}
}

// maxTrialCount takes the first trials in the grid's order.
func TestKatibGridMaxTrialCount(t *testing.T) {
	exp := parseKatib(t, katibFile{spec: "  maxTrialCount: 4\n"}.String())
	want := []string{"0.01 2", "0.01 3", "0.01 4", "0.02 2"}
	if diff := cmp.Diff(want, texts(t, exp)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	exp = parseKatib(t, katibFile{spec: "  maxTrialCount: 10\n"}.String())
	if n := len(texts(t, exp)); n != 9 {
		t.Errorf("maxTrialCount above the grid: %d trials, want all 9", n)
	}
	if diff := cmp.Diff([]string{"k.yaml:12: maxTrialCount 10 is more than the 9 combinations of the grid: all 9 run (Katib refuses such a file)"}, exp.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestKatibRandom(t *testing.T) {
	random := func(seed string) string {
		in := katibFile{spec: "  maxTrialCount: 6\n"}.String()
		in = strings.Replace(in, "algorithmName: grid\n", "algorithmName: random\n"+seed, 1)
		return strings.Replace(in, `{min: "0.01", max: "0.03", step: "0.01"}`, `{min: "0.01", max: "0.03"}`, 1)
	}
	exp := parseKatib(t, random(""))
	first := texts(t, exp)
	if len(first) != 6 {
		t.Fatalf("%d samples, want maxTrialCount 6", len(first))
	}
	if diff := cmp.Diff(first, texts(t, parseKatib(t, random("")))); diff != "" {
		t.Errorf("the same file gave other samples (-first +second):\n%s", diff)
	}
	r := exp.Space.Random
	if r.Seed != 0 || r.Params[0].Kind != space.Uniform || r.Params[0].Min != 0.01 || r.Params[0].Max != 0.03 || r.Params[1].Kind != space.IntUniform {
		t.Errorf("random = %+v", r)
	}
	seeded := parseKatib(t, random("    algorithmSettings:\n      - name: random_state\n        value: \"7\"\n"))
	if seeded.Space.Random.Seed != 7 {
		t.Errorf("random_state 7 gave seed %d", seeded.Space.Random.Seed)
	}
	if cmp.Equal(first, texts(t, seeded)) {
		t.Errorf("random_state 7 drew the samples of seed 0: %v", first)
	}
	// A step makes every value of the range equally likely.
	stepped := parseKatib(t, strings.Replace(random(""), `{min: "0.01", max: "0.03"}`, `{min: "0.01", max: "0.03", step: "0.01"}`, 1))
	if d := stepped.Space.Random.Params[0]; d.Kind != space.Choice || len(d.Choices) != 3 || d.Choices[2].Text != "0.03" {
		t.Errorf("stepped double: %+v", d)
	}
	for _, s := range texts(t, stepped) {
		if lr, _, _ := strings.Cut(s, " "); lr != "0.01" && lr != "0.02" && lr != "0.03" {
			t.Errorf("sample %q is off the step", s)
		}
	}
}

func TestKatibTemplate(t *testing.T) {
	in := katibFile{template: strings.Replace(katibTmpl, "              command:",
		"              env: [{name: HOME_DIR, value: \"$HOME/${trialParameters.learningRate}/$${x}\"}]\n              command:", 1)}.String()
	exp := parseKatib(t, in)
	job := exp.Template.Lookup("spec.template.spec.containers[0].env[0].value")
	if job == nil || job.Kind != model.StringNode {
		t.Fatalf("env value node: %+v", job)
	}
	if got := job.Str.Apply([]string{"0.01", "2"}); got != "$HOME/0.01/$${x}" {
		t.Errorf("env value = %q: want Katib's substitution and every other $ kept", got)
	}
	ann := exp.Template.Lookup("spec.template.metadata.annotations")
	if ann == nil || len(ann.Keys) != 1 || ann.Keys[0] != "kubectl.kubernetes.io/default-container" || string(ann.Values[0].Const) != `"training"` {
		t.Errorf("pod annotations: %+v, want the default container training", ann)
	}
}

func TestKatibWarnings(t *testing.T) {
	in := katibFile{spec: "  parallelTrialCount: 2\n  maxTrialCount: 4\n  maxFailedTrialCount: 1\n  resumePolicy: LongRunning\n"}.String()
	in = strings.Replace(in, "algorithmName: grid\n", "algorithmName: grid\n    algorithmSettings: [{name: random_state, value: \"3\"}]\n", 1)
	in = strings.Replace(in, "metadata:\n  name: k\n", "metadata:\n  name: k\n  namespace: team-a\n  labels: {a: b}\n", 1)
	in = strings.Replace(in, "  trialTemplate:\n", "  trialTemplate:\n    primaryPodLabels: {role: master}\n    retain: true\n    successCondition: status.x\n", 1)
	exp := parseKatib(t, in)
	want := []string{
		"k.yaml:6: metadata.labels are not applied: there is no Experiment object here; label the trials' Jobs in trialSpec.metadata.labels",
		"k.yaml:14: random_state has no effect on grid: trials run in the grid's order (Katib's grid only shuffles them)",
		"k.yaml:29: trialTemplate.successCondition is not applied: a trial's state is its Job's (Complete or Failed)",
		"k.yaml:27: trialTemplate.primaryPodLabels is not applied: a trial is one Job and its pod",
		"k.yaml:17: maxFailedTrialCount 1 is not enforced: every trial runs whatever the others do (see `kubectl mlexp status` for failures)",
		"k.yaml:18: resumePolicy LongRunning has no meaning here: there is no suggestion service to resume; re-submitting the file is idempotent",
	}
	if diff := cmp.Diff(want, exp.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if exp.Namespace != "team-a" || exp.NamespacePos.Line != 5 || exp.Parallel != 2 || exp.ParallelPos.Line != 15 {
		t.Errorf("namespace %q at %v, parallel %d at %v", exp.Namespace, exp.NamespacePos, exp.Parallel, exp.ParallelPos)
	}
}

// Katib's own examples read as they are.
func TestKatibUpstreamExamples(t *testing.T) {
	for _, name := range []string{"grid", "random"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile("../../testdata/katib/" + name + ".yaml")
			if err != nil {
				t.Fatal(err)
			}
			exp, err := Parse(name+".yaml", data, Options{Getenv: noEnv})
			if err != nil {
				t.Fatal(err)
			}
			if exp.Name != name || exp.Namespace != "kubeflow" || exp.Space.Size() != 12 || exp.Results.Metric != "loss" || exp.Results.Goal != "min" || *exp.Results.Target != 0.001 {
				t.Errorf("name %q, namespace %q, size %d, results %+v", exp.Name, exp.Namespace, exp.Space.Size(), exp.Results)
			}
			if exp.Parallel != 3 {
				t.Errorf("parallelTrialCount read as %d, want 3", exp.Parallel)
			}
		})
	}
}
