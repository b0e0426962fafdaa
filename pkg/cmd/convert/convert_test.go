package convert

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
	"github.com/mlexp/kubectl-mlexp/pkg/render"
)

// richKatib uses what a Katib file may say: dashed names, every parameter
// type, a step, filters, additional metrics, two containers with the
// primary second, and $ signs that are not Katib's.
const richKatib = `apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata: {name: rich, namespace: team-a}
spec:
  objective:
    type: minimize
    goal: 0.05
    objectiveMetricName: Validation-loss
    additionalMetricNames: [Train-accuracy]
    metricStrategies: [{name: Validation-loss, value: latest}]
  algorithm:
    algorithmName: random
    algorithmSettings: [{name: random_state, value: "11"}]
  maxTrialCount: 6
  metricsCollectorSpec:
    collector: {kind: StdOut}
    source: {filter: {metricsFormat: ["([\\w-]+)\\s*:\\s*([0-9.]+)"]}}
  parameters:
    - {name: num-layers, parameterType: int, feasibleSpace: {min: "2", max: "8", step: "2"}}
    - {name: optimizer, parameterType: categorical, feasibleSpace: {list: [sgd, adam, "1"]}}
    - {name: batch, parameterType: discrete, feasibleSpace: {list: ["16", "32"]}}
    - {name: lr, parameterType: double, feasibleSpace: {min: "0.0001", max: "0.1", distribution: logUniform}}
    - {name: dropout, parameterType: double, feasibleSpace: {min: "0.1", max: "0.5", step: "0.1"}}
  trialTemplate:
    primaryContainerName: trainer
    trialParameters:
      - {name: layers, reference: num-layers}
      - {name: opt, reference: optimizer}
      - {name: batchSize, reference: batch}
      - {name: learningRate, reference: lr}
      - {name: dropoutRate, reference: dropout}
    trialSpec:
      apiVersion: batch/v1
      kind: Job
      spec:
        backoffLimit: 1
        template:
          spec:
            containers:
            - name: sidecar
              image: busybox
              command: [sh, -c, 'echo $HOME $(POD) $$ ${x}']
            - name: trainer
              image: "trainer:${trialParameters.opt}"
              args: ["--layers=${trialParameters.layers}", "--opt=${trialParameters.opt}", "--batch=${trialParameters.batchSize}",
                     "--lr=${trialParameters.learningRate}", "--dropout=${trialParameters.dropoutRate}"]
              resources: {limits: {memory: 1Gi}}
            restartPolicy: Never
`

// convert runs the command on file and returns stdout and stderr.
func convert(t *testing.T, file string, args ...string) (string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := NewCmdConvert(genericiooptions.IOStreams{Out: &out, ErrOut: &errOut})
	cmd.SetArgs(append([]string{"-f", file}, args...))
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	if err := cmd.Execute(); err != nil {
		t.Fatalf("convert %s: %v\n%s", file, err, errOut.String())
	}
	return out.String(), errOut.String()
}

// jobs renders the experiment file at path (or data) to its Jobs as JSON,
// by trial name, with the namespace it would go to.
func jobs(t *testing.T, name string, data []byte, opts experiment.Options) (map[string]string, []string, string) {
	t.Helper()
	exp, err := experiment.Parse(name, data, opts)
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, data)
	}
	trials, _, err := render.Render(exp)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var names []string
	for _, tr := range trials {
		b, err := json.Marshal(tr.Job)
		if err != nil {
			t.Fatal(err)
		}
		out[tr.Name] = string(b)
		names = append(names, tr.Name)
	}
	return out, names, exp.Namespace
}

// Converting and rendering the result gives the Jobs of the original file:
// the same trial names, in the same order, the same Jobs and namespace.
func TestConvertRendersTheSameJobs(t *testing.T) {
	t.Setenv("REPO", "registry.test")
	t.Setenv("MLEXP_DEMO_IMAGE", "localhost/mlexp/trainer:dev")
	rich := filepath.Join(t.TempDir(), "rich.yaml")
	if err := os.WriteFile(rich, []byte(richKatib), 0o644); err != nil {
		t.Fatal(err)
	}
	seedFlags := []string{"--command", "python train.py", "--cpu", "1", "--memory", "6Gi", "--param-names", "epochs,activation,dropout"}
	tests := map[string]struct {
		file string
		args []string
		opts experiment.Options
	}{
		"katib grid":     {file: "../../../testdata/katib/grid.yaml"},
		"katib random":   {file: "../../../testdata/katib/random.yaml"},
		"katib, rich":    {file: rich},
		"native mnist":   {file: "../../../examples/mnist.yaml"},
		"native random":  {file: "../../../examples/random-search.yaml"},
		"native demo":    {file: "../../../examples/demo.yaml"},
		"katib example":  {file: "../../../examples/katib-mnist.yaml"},
		"the seed's own": {file: "../../../examples/seed-experiments.yaml", args: seedFlags, opts: experiment.Options{Command: []string{"python", "train.py"}, CPU: "1", Memory: "6Gi", ParamNames: []string{"epochs", "activation", "dropout"}}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			want, wantNames, wantNS := jobs(t, tc.file, data, tc.opts)
			out, _ := convert(t, tc.file, tc.args...)
			got, gotNames, gotNS := jobs(t, "converted.yaml", []byte(out), experiment.Options{})
			if diff := cmp.Diff(wantNames, gotNames); diff != "" {
				t.Fatalf("trial names (-original +converted):\n%s\nconverted file:\n%s", diff, out)
			}
			if wantNS != gotNS {
				t.Errorf("namespace %q, converted %q", wantNS, gotNS)
			}
			for n, j := range want {
				if diff := cmp.Diff(j, got[n]); diff != "" {
					t.Errorf("trial %s's Job (-original +converted):\n%s\nconverted file:\n%s", n, diff, out)
				}
			}
		})
	}
}

// The converted file says what it did not carry over, and -o json is
// the same experiment.
func TestConvertNotesAndJSON(t *testing.T) {
	out, errOut := convert(t, "../../../testdata/katib/grid.yaml")
	for _, w := range []string{"maxFailedTrialCount 3 is not enforced", "parallelTrialCount 3 is not enforced"} {
		if !strings.Contains(out, "#   ../../../testdata/katib/grid.yaml:") || !strings.Contains(out, w) || !strings.Contains(errOut, "warning: ") || !strings.Contains(errOut, w) {
			t.Errorf("%q is not in the comment and on stderr:\n%s\nstderr:\n%s", w, out, errOut)
		}
	}
	js, _ := convert(t, "../../../testdata/katib/grid.yaml", "-o", "json")
	a, an, _ := jobs(t, "a.yaml", []byte(out), experiment.Options{})
	b, bn, _ := jobs(t, "b.json", []byte(js), experiment.Options{})
	if !cmp.Equal(an, bn) || !cmp.Equal(a, b) {
		t.Errorf("-o json gives other trials: %v vs %v", an, bn)
	}
}

func TestConvertRefusesWhatSubmitRefuses(t *testing.T) {
	f := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(f, []byte(strings.Replace(richKatib, "algorithmName: random", "algorithmName: pbt", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	cmd := NewCmdConvert(genericiooptions.IOStreams{Out: &out, ErrOut: &errOut})
	cmd.SetArgs([]string{"-f", f})
	cmd.SilenceUsage = true // as under the root command
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	err := cmd.Execute()
	if err == nil || !strings.HasPrefix(err.Error(), f+":12:20: unknown algorithm \"pbt\"") || out.Len() != 0 {
		t.Errorf("err = %v, stdout %q", err, out.String())
	}
}

// TestValidateReadsNoFile: Validate refuses bad flags without reading the
// file (it does not exist); Run is where the file is read.
func TestValidateReadsNoFile(t *testing.T) {
	o := &Options{FileFlags: common.FileFlags{Filename: "nothere.yaml"}, Output: "xml"}
	if err := o.Validate(); err == nil || !strings.Contains(err.Error(), `--output: unknown format "xml"`) {
		t.Errorf("Validate(-o xml) = %v", err)
	}
	o.Output = "yaml"
	if err := o.Validate(); err != nil {
		t.Errorf("Validate read the file: %v", err)
	}
	if err := (&Options{Output: "yaml"}).Validate(); err == nil || !strings.Contains(err.Error(), "--filename (-f) is required") {
		t.Errorf("Validate(no -f) = %v", err)
	}
}
