package experiment

import (
	"strings"
	"testing"

	"github.com/mlexp/kubectl-mlexp/pkg/search"
)

// Every malformed Katib file is an error naming the file, line and column.
func TestKatibErrors(t *testing.T) {
	ok := katibFile{}.String()
	rep := func(old, new string) string {
		if !strings.Contains(ok, old) {
			t.Fatalf("the base file has no %q", old)
		}
		return strings.Replace(ok, old, new, 1)
	}
	tests := map[string]struct{ in, want string }{
		// the document
		"old apiVersion":    {strings.Replace(ok, "kubeflow.org/v1beta1", "kubeflow.org/v1alpha3", 1), `k.yaml:1:13: unknown apiVersion "kubeflow.org/v1alpha3": want kubeflow.org/v1beta1 for a Katib Experiment`},
		"a Trial":           {strings.Replace(ok, "kind: Experiment", "kind: Trial", 1), `k.yaml:2:7: kind is "Trial": want Experiment (kubectl mlexp reads Katib Experiments)`},
		"unknown top":       {ok + "status: {}\n", `k.yaml:34:1: unknown field "status" in the Katib Experiment (known fields: apiVersion, kind, metadata, spec)`},
		"unknown in spec":   {rep("  algorithm:\n", "  algorithms:\n"), `k.yaml:10:3: unknown field "algorithms" in spec (did you mean "algorithm"?)`},
		"no objective":      {strings.Replace(ok, katibObj, "  algorithm:\n    algorithmName: grid\n", 1), `k.yaml:5:1: spec.objective is missing: give objectiveMetricName and type (maximize or minimize)`},
		"bad name":          {rep("name: k\n", "name: K_1\n"), `k.yaml:4:9: metadata.name: invalid experiment name "K_1": want lowercase letters, digits and '-', starting and ending with a letter or digit`},
		"bad namespace":     {rep("name: k\n", "name: k\n  namespace: Team\n"), `k.yaml:5:14: metadata.namespace: invalid namespace "Team": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`},
		"metadata uid":      {rep("name: k\n", "name: k\n  uid: x\n"), `k.yaml:5:3: unknown field "uid" in metadata (known fields: annotations, labels, name, namespace)`},
		"nasConfig":         {rep("  parameters:\n", "  nasConfig: {}\n  parameters:\n"), `k.yaml:12:3: nasConfig is not supported: neural architecture search needs Katib's ENAS or DARTS services; kubectl mlexp runs grid and random searches over spec.parameters`},
		"negative count":    {rep("  parameters:\n", "  maxTrialCount: 0\n  parameters:\n"), `k.yaml:12:18: maxTrialCount must be greater than 0, got 0`},
		"parallel > max":    {rep("  parameters:\n", "  maxTrialCount: 2\n  parallelTrialCount: 3\n  parameters:\n"), `k.yaml:13:23: parallelTrialCount 3 must not be greater than maxTrialCount 2`},
		"negative failures": {rep("  parameters:\n", "  maxFailedTrialCount: -1\n  parameters:\n"), `k.yaml:12:24: maxFailedTrialCount must not be negative, got -1`},
		"resume policy":     {rep("  parameters:\n", "  resumePolicy: Longrunning\n  parameters:\n"), `k.yaml:12:17: resumePolicy "Longrunning": want Never, LongRunning or FromVolume (did you mean "LongRunning"?)`},
		"count not an int":  {rep("  parameters:\n", "  maxTrialCount: \"5\"\n  parameters:\n"), `k.yaml:12:18: maxTrialCount: want an integer, got the string "5"`},

		// algorithm
		"unknown algorithm":    {rep("algorithmName: grid", "algorithmName: pbt"), `k.yaml:11:20: unknown algorithm "pbt": want one of ` + strings.Join(search.Algorithms(), ", ")},
		"unknown setting":      {rep("algorithmName: grid\n", "algorithmName: grid\n    algorithmSettings: [{name: n_startup_trials, value: \"5\"}]\n"), `k.yaml:12:32: unknown setting "n_startup_trials" for algorithm grid: Katib's grid knows random_state`},
		"bad random_state":     {rep("algorithmName: grid\n", "algorithmName: grid\n    algorithmSettings: [{name: random_state, value: \"-1\"}]\n"), `k.yaml:12:53: random_state must be an integer of at least 0, got the string "-1"`},
		"random, no count":     {rep("algorithmName: grid", "algorithmName: random"), `k.yaml:11:20: random needs spec.maxTrialCount: how many samples to draw`},
		"grid double, no step": {rep(`{min: "0.01", max: "0.03", step: "0.01"}`, `{min: "0.01", max: "0.03"}`), `k.yaml:15:41: grid needs feasibleSpace.step for double parameter "lr": a range without a step has no grid (Katib's rule)`},

		// objective
		"objective type":    {rep("type: maximize", "type: maximise"), `k.yaml:7:11: objective.type "maximise": want maximize or minimize (did you mean "maximize"?)`},
		"metric name":       {rep("objectiveMetricName: Validation-accuracy", "objectiveMetricName: \"acc{1}\""), `k.yaml:9:26: objectiveMetricName "acc{1}": want a metric name as the log prints it: a letter, then letters, digits, spaces or _ . / @ -`},
		"goal not a number": {rep("goal: 0.9", "goal: high"), `k.yaml:8:11: objective.goal: want a number, got the string "high"`},
		"objective twice":   {rep("    goal: 0.9\n", "    goal: 0.9\n    additionalMetricNames: [loss, validation-accuracy]\n"), `k.yaml:9:35: additionalMetricNames: "validation-accuracy" is the ranking metric already`},
		"strategy value":    {rep("    goal: 0.9\n", "    goal: 0.9\n    metricStrategies: [{name: loss, value: last}]\n"), `k.yaml:9:44: metricStrategies value "last": want min, max or latest (did you mean "latest"?)`},

		// parameters and feasibleSpace
		"unknown in feasibleSpace": {rep(`{min: "2", max: "4"}`, `{min: "2", maxx: "4"}`), `k.yaml:18:33: unknown field "maxx" in feasibleSpace of "num-layers" (did you mean "max"?)`},
		"parameter type":           {rep("parameterType: int", "parameterType: integer"), `k.yaml:17:22: parameterType "integer" of "num-layers": want double, int, discrete or categorical`},
		"min above max":            {rep(`{min: "2", max: "4"}`, `{min: "5", max: "4"}`), `k.yaml:18:38: feasibleSpace of "num-layers": max 4 is less than min 5`},
		"zero step":                {rep(`{min: "2", max: "4"}`, `{min: "2", max: "4", step: "0"}`), `k.yaml:18:49: feasibleSpace.step of "num-layers" must be greater than 0, got 0`},
		"int of a fraction":        {rep(`{min: "2", max: "4"}`, `{min: "2", max: "4.5"}`), `k.yaml:18:38: feasibleSpace.max of int parameter "num-layers": want an integer, got "4.5"`},
		"not a number":             {rep(`{min: "2", max: "4"}`, `{min: "two", max: "4"}`), `k.yaml:18:28: feasibleSpace.min of "num-layers": want a number, got the string "two"`},
		"huge exponent":            {rep(`{min: "2", max: "4"}`, `{min: "2", max: "4e999999"}`), `k.yaml:18:38: feasibleSpace.max of "num-layers": want a number, got the string "4e999999"`},
		"no max":                   {rep(`{min: "2", max: "4"}`, `{min: "2"}`), `k.yaml:18:7: feasibleSpace of int parameter "num-layers" needs min and max`},
		"list for int":             {rep(`{min: "2", max: "4"}`, `{list: ["2", "4"]}`), `k.yaml:18:23: feasibleSpace.list does not apply to parameterType int: give min and max (and step)`},
		"min for categorical":      {rep("parameterType: int\n      feasibleSpace: {min: \"2\", max: \"4\"}", "parameterType: categorical\n      feasibleSpace: {min: \"2\", list: [a]}"), `k.yaml:18:23: feasibleSpace.min does not apply to parameterType categorical: give the values in feasibleSpace.list`},
		"empty list":               {rep("parameterType: int\n      feasibleSpace: {min: \"2\", max: \"4\"}", "parameterType: categorical\n      feasibleSpace: {list: []}"), `k.yaml:18:29: feasibleSpace.list of "num-layers" has no values`},
		"value twice":              {rep("parameterType: int\n      feasibleSpace: {min: \"2\", max: \"4\"}", "parameterType: categorical\n      feasibleSpace: {list: [a, b, a]}"), `k.yaml:18:36: value a of "num-layers" is listed twice (first at line 18)`},
		"too many values":          {rep(`{min: "2", max: "4"}`, `{min: "0", max: "1000000"}`), `k.yaml:16:7: feasibleSpace of "num-layers" has more than 100000 values: raise step`},
		"distribution":             {rep(`{min: "2", max: "4"}`, `{min: "2", max: "4", distribution: loguniform}`), `k.yaml:18:57: distribution "loguniform" of "num-layers": want uniform, logUniform, normal or logNormal (did you mean "logUniform"?)`},
		"parameter name":           {rep("- name: num-layers", "- name: num layers"), `k.yaml:16:13: invalid parameter name "num layers": want a letter or _ followed by letters, digits, _ or - (not ending in -)`},
		"parameter twice":          {rep("- name: num-layers", "- name: lr"), `k.yaml:16:13: parameter "lr" is defined twice (first at line 13)`},

		// trialTemplate
		"configMap":               {rep("    trialSpec:\n", "    configMap: {configMapName: c}\n    trialSpec:\n"), `k.yaml:24:5: trialTemplate.configMap is not supported: kubectl mlexp reads no ConfigMap from the cluster; copy the Job into trialTemplate.trialSpec`},
		"unknown trial param":     {rep("${trialParameters.numLayers}", "${trialParameters.numLayer}"), `k.yaml:33:72: unknown trial parameter "numLayer" in ${trialParameters.numLayer} (trialParameters: learningRate, numLayers) (did you mean "numLayers"?)`},
		"unknown reference":       {rep("reference: num-layers}", "reference: num_layers}"), `k.yaml:23:38: reference "num_layers" is not a parameter of spec.parameters (parameters: lr, num-layers) (did you mean "num-layers"?)`},
		"meta reference":          {rep("reference: num-layers}", "reference: \"${trialSpec.Name}\"}"), `k.yaml:23:38: reference ${trialSpec.Name} is not supported: a trial's name, namespace and labels are set when it is submitted, not in its template`},
		"reference twice":         {rep("reference: num-layers}", "reference: lr}"), `k.yaml:23:38: reference "lr" is given twice (first at line 22)`},
		"trial param twice":       {rep("{name: numLayers,", "{name: learningRate,"), `k.yaml:23:16: trialParameters name "learningRate" is given twice (first at line 22)`},
		"no primary container":    {rep("primaryContainerName: training", "primaryContainerName: trainer"), `k.yaml:20:27: primaryContainerName "trainer" names no container of trialSpec (containers: training) (did you mean "training"?)`},
		"a PyTorchJob":            {rep("apiVersion: batch/v1\n      kind: Job", "apiVersion: kubeflow.org/v1\n      kind: PyTorchJob"), `k.yaml:26:13: trialSpec is a kubeflow.org/v1 PyTorchJob: kubectl mlexp runs each trial as a batch/v1 Job (Kubeflow training jobs and other kinds need their operators)`},
		"no kind":                 {rep("      kind: Job\n", ""), `k.yaml:24:5: trialSpec needs apiVersion: batch/v1 and kind: Job`},
		"unknown job field":       {rep("image: img", "imagee: img"), `k.yaml:32:15: unknown field "imagee" in Job spec.template.spec.containers[0] (did you mean "image"?)`},
		"job name":                {rep("      kind: Job\n", "      kind: Job\n      metadata: {name: x}\n"), `k.yaml:27:18: spec.trialTemplate.trialSpec.metadata.name: kubectl-mlexp sets it (trials are named after the experiment and their parameters; the namespace comes from -n or the experiment's metadata.namespace)`},
		"other default container": {rep("          spec:\n            containers:", "          metadata:\n            annotations: {kubectl.kubernetes.io/default-container: side}\n          spec:\n            containers:"), `k.yaml:30:68: annotation kubectl.kubernetes.io/default-container "side" differs from primaryContainerName "training"`},
		"no trialParameters":      {rep("    trialParameters:\n      - {name: learningRate, reference: lr}\n      - {name: numLayers, reference: num-layers}\n", ""), `k.yaml:19:3: spec.trialTemplate.trialParameters is missing: map each ${trialParameters.NAME} of trialSpec to a parameter`},

		// metrics collector
		"File collector":      {rep("  parameters:\n", "  metricsCollectorSpec:\n    collector: {kind: File}\n    source: {fileSystemPath: {path: /var/log/m.log, kind: File}}\n  parameters:\n"), `k.yaml:13:23: collector kind File is not supported: kubectl mlexp reads metrics from the primary container's log, as Katib's StdOut collector does; print them there as name=value lines`},
		"a path for StdOut":   {rep("  parameters:\n", "  metricsCollectorSpec:\n    source: {fileSystemPath: {path: /var/log/m.log, kind: File}}\n  parameters:\n"), `k.yaml:13:14: source.fileSystemPath is not supported: kubectl mlexp reads metrics from the primary container's log, as Katib's StdOut collector does`},
		"bad collector":       {rep("  parameters:\n", "  metricsCollectorSpec:\n    collector: {kind: Stdout}\n  parameters:\n"), `k.yaml:13:23: collector kind "Stdout": want one of StdOut, File, TensorFlowEvent, PrometheusMetric, Custom or Push (did you mean "StdOut"?)`},
		"filter of one group": {rep("  parameters:\n", "  metricsCollectorSpec:\n    source: {filter: {metricsFormat: [\"(\\\\w+)=1\"]}}\n  parameters:\n"), `k.yaml:13:39: metricsFormat: "(\\w+)=1" needs two groups, the metric's name then its value, as in ([\w-]+)=([0-9.]+)`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("k.yaml", []byte(tc.in), Options{Getenv: noEnv})
			if err == nil {
				t.Fatalf("no error, want %s", tc.want)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("error:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}
