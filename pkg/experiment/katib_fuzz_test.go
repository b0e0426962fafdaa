package experiment_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/kubectl/pkg/cmd/util/podcmd"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/render"
)

// FuzzKatib checks the Katib reader: no input makes Parse or Render panic,
// every error names the file, and what it accepts renders Jobs whose
// default container is the primary container, and converts to a native
// file that renders the same trials.
func FuzzKatib(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/katib/*.yaml")
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	for _, s := range []string{
		"apiVersion: kubeflow.org/v1beta1\nkind: Experiment\n",
		"apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nmetadata: {name: k}\nspec:\n" +
			"  objective: {type: maximize, goal: 0.9, objectiveMetricName: Validation-accuracy, additionalMetricNames: [loss]}\n" +
			"  algorithm: {algorithmName: random, algorithmSettings: [{name: random_state, value: \"3\"}]}\n  maxTrialCount: 5\n" +
			"  metricsCollectorSpec: {source: {filter: {metricsFormat: [\"([\\\\w-]+)=([0-9.]+)\"]}}}\n" +
			"  parameters:\n  - {name: num-layers, parameterType: int, feasibleSpace: {min: \"1\", max: \"9\", step: \"2\"}}\n" +
			"  - {name: opt, parameterType: categorical, feasibleSpace: {list: [sgd, adam]}}\n" +
			"  - {name: lr, parameterType: double, feasibleSpace: {min: \"0.001\", max: \"0.1\", distribution: logUniform}}\n" +
			"  trialTemplate:\n    primaryContainerName: c\n    trialParameters: [{name: n, reference: num-layers}, {name: o, reference: opt}, {name: l, reference: lr}]\n" +
			"    trialSpec: {apiVersion: batch/v1, kind: Job, spec: {template: {spec: {containers: [{name: c, image: i, " +
			"args: [\"${trialParameters.n}\", \"$HOME-${trialParameters.o}\", \"--lr=${trialParameters.l}\"]}]}}}}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		exp, err := experiment.Parse("k.yaml", data, experiment.Options{Getenv: func(string) (string, bool) { return "", false }})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "k.yaml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		if exp.Space.Validate() != nil {
			t.Fatalf("Parse accepted a space Validate rejects")
		}
		for _, n := range exp.Space.Names() {
			if !params.ValidName(n) {
				t.Fatalf("parameter name %q", n)
			}
		}
		if exp.Format != experiment.Katib || exp.Space.Size() > 200 {
			return
		}
		trials, _, err := render.Render(exp)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "k.yaml") {
				t.Fatalf("render error without the file name: %v", err)
			}
			return
		}
		native, err := experiment.MarshalNative(exp, exp.Warnings)
		if err != nil {
			t.Fatalf("MarshalNative: %v", err)
		}
		back, err := experiment.Parse("n.yaml", native, experiment.Options{})
		if err != nil {
			t.Fatalf("the native file does not read back: %v\n%s", err, native)
		}
		again, _, err := render.Render(back)
		if err != nil || len(again) != len(trials) {
			t.Fatalf("the native file renders %d trials (%v), the Katib file %d\n%s", len(again), err, len(trials), native)
		}
		for i := range trials {
			if again[i].Name != trials[i].Name || again[i].Job.Annotations[keys.SpecHash] != trials[i].Job.Annotations[keys.SpecHash] {
				t.Fatalf("trial %d: %s from the Katib file, %s from the native file\n%s", i, trials[i].Name, again[i].Name, native)
			}
		}
		for _, tr := range trials {
			pod := tr.Job.Spec.Template
			primary := pod.Annotations[podcmd.DefaultContainerAnnotationName]
			found := false
			for _, c := range pod.Spec.Containers {
				found = found || c.Name == primary
			}
			if !found {
				t.Fatalf("trial %s: default container %q is none of its containers", tr.Name, primary)
			}
		}
	})
}
