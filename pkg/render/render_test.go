package render

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

// repoEnv is an environment holding only REPO.
func repoEnv(k string) (string, bool) { return "registry.example.com/me", k == "REPO" }

// renderFile parses and renders the file at path.
func renderFile(t *testing.T, path string, opts experiment.Options) ([]Trial, []string) {
	t.Helper()
	if opts.Getenv == nil {
		opts.Getenv = repoEnv
	}
	exp, err := experiment.Load(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	trials, warnings, err := Render(exp)
	if err != nil {
		t.Fatal(err)
	}
	return trials, warnings
}

// renderString parses and renders an experiment file's text.
func renderString(in string) ([]Trial, []string, error) {
	exp, err := experiment.Parse("t.yaml", []byte(in), experiment.Options{Getenv: repoEnv})
	if err != nil {
		return nil, nil, err
	}
	return Render(exp)
}

func TestSeedFile(t *testing.T) {
	trials, warnings := renderFile(t, "../../examples/seed-experiments.yaml", experiment.Options{
		Command: []string{"python", "train.py"}, CPU: "1", Memory: "6Gi",
	})
	if len(trials) != 24 {
		t.Fatalf("got %d trials, want 24", len(trials))
	}
	if len(warnings) != 0 {
		t.Errorf("warnings: %q", warnings)
	}
	rows := [][]string{{"10", "softmax", "0.2"}, {"10", "relu", "0.3"}, {"10", "tanh", "0.4"}, {"10", "linear", "0.5"},
		{"10", "selu", "0.6"}, {"10", "elu", "0.7"}, {"10", "sigmoid", "0.8"}, {"10", "softsign", "0.9"}}
	seen := map[string]bool{}
	for i, tr := range trials {
		job := tr.Job
		ps := job.Spec.Template.Spec
		c := ps.Containers[0]
		image := fmt.Sprintf("registry.example.com/me/k8s-ml:model%02d", i/8+1)
		if len(ps.Containers) != 1 || c.Name != "ml" || c.Image != image {
			t.Errorf("trial %d: containers %+v, want one ml running %s", i, ps.Containers, image)
		}
		if diff := cmp.Diff(rows[i%8], c.Args); diff != "" {
			t.Errorf("trial %d args (-want +got):\n%s", i, diff)
		}
		if diff := cmp.Diff([]string{"python", "train.py"}, c.Command); diff != "" {
			t.Errorf("trial %d command (-want +got):\n%s", i, diff)
		}
		want := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse("6Gi")}
		if !cmp.Equal(want, c.Resources.Limits) || len(c.Resources.Requests) != 0 {
			t.Errorf("trial %d resources %v, want limits cpu 1 memory 6Gi", i, c.Resources)
		}
		if ps.RestartPolicy != corev1.RestartPolicyNever || job.Spec.BackoffLimit == nil || *job.Spec.BackoffLimit != 0 {
			t.Errorf("trial %d: restartPolicy %q backoffLimit %v, want Never and 0", i, ps.RestartPolicy, job.Spec.BackoffLimit)
		}
		if tr.Index != i || job.Annotations[keys.Index] != strconv.Itoa(i) || tr.Name != job.Name {
			t.Errorf("trial %d: index %d, annotation %q, name %q vs %q", i, tr.Index, job.Annotations[keys.Index], tr.Name, job.Name)
		}
		if seen[tr.Name] || !strings.HasPrefix(tr.Name, "seed-experiments-") || len(validation.IsDNS1123Label(tr.Name)) > 0 {
			t.Errorf("trial %d: bad or repeated name %q", i, tr.Name)
		}
		seen[tr.Name] = true
		checkMeta(t, job, "seed-experiments", tr)
	}
}

// checkMeta checks the labels and annotations every rendered Job carries.
func checkMeta(t *testing.T, job *batchv1.Job, exp string, tr Trial) {
	t.Helper()
	if job.APIVersion != "batch/v1" || job.Kind != "Job" || job.Namespace != "" {
		t.Errorf("%s: TypeMeta %v namespace %q", tr.Name, job.TypeMeta, job.Namespace)
	}
	for what, m := range map[string]map[string]string{"job": job.Labels, "pod template": job.Spec.Template.Labels} {
		for k, v := range map[string]string{keys.Experiment: exp, keys.Trial: tr.Name, keys.ManagedBy: keys.ManagedByValue} {
			if m[k] != v {
				t.Errorf("%s %s label %s = %q, want %q", tr.Name, what, k, m[k], v)
			}
		}
	}
	p, err := params.Decode(job.Annotations[keys.Params])
	if err != nil || p.String() != tr.Params.String() {
		t.Errorf("%s: params annotation %q decodes to %v, %v; want %v", tr.Name, job.Annotations[keys.Params], p, err, tr.Params)
	}
	pod := job.Spec.Template.Annotations
	if pod[keys.Params] != job.Annotations[keys.Params] || pod[keys.Index] != job.Annotations[keys.Index] {
		t.Errorf("%s: pod template annotations %v", tr.Name, pod)
	}
	if h := job.Annotations[keys.SpecHash]; h == "" || h != SpecHash(job) {
		t.Errorf("%s: spec-hash %q, recomputed %q", tr.Name, h, SpecHash(job))
	}
}

func TestSeedFileWithoutLimits(t *testing.T) {
	trials, warnings := renderFile(t, "../../examples/seed-experiments.yaml", experiment.Options{})
	want := []string{`24 of 24 trials set no memory limit on container "ml"; one trial can take the node's memory`}
	if diff := cmp.Diff(want, warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	c := trials[0].Job.Spec.Template.Spec.Containers[0]
	if c.Command != nil || c.Resources.Limits != nil {
		t.Errorf("command %q limits %v, want none", c.Command, c.Resources.Limits)
	}
}

func TestMnistMatchesSeed(t *testing.T) {
	seed, _ := renderFile(t, "../../examples/seed-experiments.yaml", experiment.Options{
		Command: []string{"python", "train.py"}, CPU: "1", Memory: "6Gi",
	})
	native, _ := renderFile(t, "../../examples/mnist.yaml", experiment.Options{})
	if len(native) != len(seed) {
		t.Fatalf("mnist.yaml renders %d trials, the seed's file %d", len(native), len(seed))
	}
	for i := range seed {
		a, b := seed[i].Job.Spec.Template.Spec.Containers[0], native[i].Job.Spec.Template.Spec.Containers[0]
		if diff := cmp.Diff(a, b); diff != "" {
			t.Errorf("trial %d container (-seed +mnist.yaml):\n%s", i, diff)
		}
	}
}

// The pieces of a small native file for substitution tests.
const (
	head = "apiVersion: mlexp.dev/v1alpha1\nkind: Experiment\nmetadata: {name: t}\nspec:\n"
	pod  = "      template:\n        spec:\n          containers:\n          - name: ml\n            image: img\n"
)

func TestCoercion(t *testing.T) {
	in := head + `  parameters:
    list:
    - {retries: 2, deadline: 600, suspend: false, port: 8080, mem: 2, cpu: 500m, model: m1, lr: 1e-3}
  template:
    metadata:
      labels: {model: "${model}"}
      annotations: {note: "lr=${lr} $(KEEP) $$HOME"}
    spec:
      backoffLimit: "${retries}"
      activeDeadlineSeconds: "${deadline}"
      suspend: "${suspend}"
      template:
        spec:
          nodeSelector: {pool: "${model}"}
          containers:
          - name: ml
            image: img:${model}
            args: ["${retries}", "--lr=${lr}", "$(POD_NAME)"]
            env: [{name: LR, value: "${lr}"}]
            ports: [{containerPort: "${port}"}]
            readinessProbe: {httpGet: {port: "${port}"}}
            resources:
              requests: {cpu: "${cpu}", memory: "${mem}Gi"}
`
	trials, _, err := renderString(in)
	if err != nil {
		t.Fatal(err)
	}
	job := trials[0].Job
	c := job.Spec.Template.Spec.Containers[0]
	got := map[string]any{
		"backoffLimit": *job.Spec.BackoffLimit, "deadline": *job.Spec.ActiveDeadlineSeconds, "suspend": *job.Spec.Suspend,
		"label": job.Labels["model"], "annotation": job.Annotations["note"], "nodeSelector": job.Spec.Template.Spec.NodeSelector["pool"],
		"image": c.Image, "args": c.Args, "env": c.Env[0].Value, "containerPort": c.Ports[0].ContainerPort,
		"probePort": c.ReadinessProbe.HTTPGet.Port, "cpu": c.Resources.Requests.Cpu().String(), "memory": c.Resources.Requests.Memory().String(),
	}
	want := map[string]any{
		"backoffLimit": int32(2), "deadline": int64(600), "suspend": false,
		"label": "m1", "annotation": "lr=1e-3 $(KEEP) $HOME", "nodeSelector": "m1",
		"image": "img:m1", "args": []string{"2", "--lr=1e-3", "$(POD_NAME)"}, "env": "1e-3", "containerPort": int32(8080),
		"probePort": intstr.FromInt32(8080), "cpu": "500m", "memory": "2Gi",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rendered values (-want +got):\n%s", diff)
	}
}

func TestRenderErrors(t *testing.T) {
	grid := "  parameters:\n    grid:\n      model: [m1, \"\"]\n  template:\n    spec:\n" // template spec fields from line 10
	tests := map[string]struct{ in, want string }{
		"string where an int goes": {in: head + grid + "      backoffLimit: \"${model}\"\n" + pod,
			want: `t.yaml:10:21: trial t-18eea532 (model=m1): Job spec.backoffLimit: want an integer, got "m1" (from ${model})`},
		"bad quantity from a param": {in: head + grid + pod + "            resources: {limits: {memory: \"${model}\"}}\n",
			want: `t.yaml:15:42: trial t-18eea532 (model=m1): Job spec.template.spec.containers[0].resources.limits.memory: want a quantity such as 500m, 2 or 6Gi, got "m1" (from ${model})`},
		"empty image": {in: head + grid + strings.Replace(pod, "image: img", "image: \"${model}\"", 1),
			want: `t.yaml:14:20: trial t-4f6c8cfc (model=): Job spec.template.spec.containers[0].image: the image is empty`},
		"bad label value": {in: head + grid + "      template:\n        metadata: {labels: {m: \"${model}-\"}}\n" + pod[len("      template:\n"):],
			want: `t.yaml:11:32: trial t-18eea532 (model=m1): Job spec.template.metadata.labels.m: invalid label value "m1-": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`},
		"requests above limits": {in: head + grid + pod + "            resources: {requests: {cpu: \"2\"}, limits: {cpu: \"1\"}}\n",
			want: `t.yaml:15:41: trial t-18eea532 (model=m1): Job spec.template.spec.containers[0].resources.requests.cpu: request 2 of cpu is above its limit 1`},
		"restart always": {in: head + grid + "      template:\n        spec:\n          restartPolicy: Always\n" + pod[len("      template:\n        spec:\n"):],
			want: `t.yaml:12:26: trial t-18eea532 (model=m1): Job spec.template.spec.restartPolicy: a Job's pods restart Never or OnFailure, got "Always"`},
		"no containers": {in: head + grid + "      template:\n        spec:\n          containers: []\n",
			want: `t.yaml:12:23: trial t-18eea532 (model=m1): Job spec.template.spec.containers: a Job needs at least one container`},
		"shell variable in image": {in: head + grid + strings.Replace(pod, "image: img", "image: $REPO/img:${model}", 1),
			want: `t.yaml:14:20: trial t-18eea532 (model=m1): Job spec.template.spec.containers[0].image: image "$REPO/img:m1" contains "$": write ${env.NAME} to read an environment variable, ${name} for a parameter`},
		"bad container name": {in: head + grid + strings.Replace(pod, "name: ml", "name: ML_${model}", 1),
			want: `t.yaml:13:19: trial t-18eea532 (model=m1): Job spec.template.spec.containers[0].name: invalid container name "ML_m1": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`},
		"int32 overflow from a param": {in: head + "  parameters:\n    grid:\n      n: [99999999999]\n  template:\n    spec:\n      backoffLimit: \"${n}\"\n" + pod,
			want: `t.yaml:10:21: trial t-dc7da5f3 (n=99999999999): Job spec.backoffLimit: json: cannot unmarshal number 99999999999 into Go struct field JobSpec.spec.backoffLimit of type int32`},
		"duplicate trials": {in: head + "  parameters:\n    list:\n    - {a: 1}\n    - {a: 1.0}\n  template:\n    spec:\n" + pod,
			want: `t.yaml:8:7: duplicate trial a=1: the trial from line 7 has the same parameters`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, _, err := renderString(tc.in)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error:\n got %v\nwant %s", err, tc.want)
			}
		})
	}
}

func TestUnusedParameterWarning(t *testing.T) {
	in := head + "  parameters:\n    grid:\n      model: [m1]\n      seed: [1, 2]\n  template:\n    spec:\n" +
		strings.Replace(pod, "image: img", "image: img:${model}", 1)
	_, warnings, err := renderString(in)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`t.yaml:8: parameter "seed" is not used in the template: trials that differ only in it run the same Job`,
		`2 of 2 trials set no memory limit on container "ml"; one trial can take the node's memory`,
	}
	if diff := cmp.Diff(want, warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestExamplesRender(t *testing.T) {
	for _, name := range []string{"seed-experiments", "mnist", "random-search"} {
		t.Run(name, func(t *testing.T) {
			trials, _ := renderFile(t, "../../examples/"+name+".yaml", experiment.Options{})
			for _, tr := range trials {
				checkMeta(t, tr.Job, tr.Job.Labels[keys.Experiment], tr)
			}
		})
	}
	if _, err := os.Stat("../../examples/mnist.yaml"); err != nil {
		t.Fatal(err)
	}
}

func TestLargeRenderIsDeterministic(t *testing.T) {
	exp, err := experiment.Parse("bench.yaml", []byte(benchFile(400)), experiment.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := Render(exp)
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := Render(exp)
	if len(a) != 1200 {
		t.Fatalf("got %d trials, want 1200", len(a))
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Index != i || a[i].Job.Annotations[keys.SpecHash] != b[i].Job.Annotations[keys.SpecHash] {
			t.Fatalf("trial %d differs between two renders: %s %s", i, a[i].Name, b[i].Name)
		}
	}
}

func TestFirstErrorWins(t *testing.T) {
	var rows strings.Builder
	for i := range 1000 {
		img := "img"
		if i == 700 || i == 900 {
			img = "" // rows 700 and 900 fail; 700 must be reported
		}
		fmt.Fprintf(&rows, "    - {n: %d, image: %q}\n", i, img)
	}
	in := head + "  parameters:\n    list:\n" + rows.String() + "  template:\n    spec:\n" +
		strings.Replace(pod, "image: img", "image: \"${image}\"\n            args: [\"${n}\"]", 1)
	for range 3 {
		_, _, err := renderString(in)
		if err == nil || !strings.Contains(err.Error(), "(n=700,image=)") {
			t.Fatalf("error = %v, want the one of row 700", err)
		}
	}
}

func TestSpecHash(t *testing.T) {
	in := head + "  parameters:\n    grid: {model: [m1]}\n  template:\n    spec:\n" + pod
	a, _, err := renderString(in)
	if err != nil {
		t.Fatal(err)
	}
	reordered := head + "  template:\n    spec:\n" + pod + "  parameters:\n    grid: {model: [m1]}\n"
	b, _, err := renderString(reordered)
	if err != nil {
		t.Fatal(err)
	}
	changed, _, err := renderString(strings.Replace(in, "image: img", "image: img2", 1))
	if err != nil {
		t.Fatal(err)
	}
	ha, hb, hc := a[0].Job.Annotations[keys.SpecHash], b[0].Job.Annotations[keys.SpecHash], changed[0].Job.Annotations[keys.SpecHash]
	if ha != hb || len(ha) != 16 {
		t.Errorf("the same Job hashes %q and %q", ha, hb)
	}
	if ha == hc {
		t.Errorf("another image keeps the hash %q", ha)
	}
	if a[0].Name != changed[0].Name {
		t.Errorf("the trial name changed with the template: %s, %s", a[0].Name, changed[0].Name)
	}
}

// TestPodLevelMemoryLimit checks that a pod-level memory limit (spec.resources
// of the pod, Kubernetes 1.34) counts as a limit on every container.
func TestPodLevelMemoryLimit(t *testing.T) {
	in := head + "  parameters:\n    grid:\n      model: [m1]\n  template:\n    spec:\n" +
		strings.Replace(pod, "          containers:\n", "          resources: {limits: {memory: 1Gi}}\n          containers:\n", 1) +
		"            args: [\"${model}\"]\n"
	_, warnings, err := renderString(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings: %q, want none", warnings)
	}
}
