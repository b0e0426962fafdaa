//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// rtExperiment is issue 19's reproduction: trial k=2 fails by its own
// command. Its marker line needs the command and args, its env (a value
// and a field reference), an init container and the volume they share.
const rtExperiment = `apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata:
  name: rt
spec:
  parameters:
    list: [{k: 1}, {k: 2}]
  template:
    spec:
      backoffLimit: 0
      template:
        spec:
          restartPolicy: Never
          terminationGracePeriodSeconds: 1
          initContainers:
          - name: prepare
            image: ` + ToolboxImage + `
            imagePullPolicy: Never
            command: [sh, -c, 'echo vol-${k} > /scratch/from-init']
            volumeMounts: [{name: scratch, mountPath: /scratch}]
            resources:
              limits: {cpu: 100m, memory: 16Mi}
          containers:
          - name: ml
            image: ` + ToolboxImage + `
            imagePullPolicy: Never
            command: [sh, -c]
            args: ['echo "marker k=$K env=$MARKER vol=` + "`cat /scratch/from-init`" + ` pod=$POD"; [ "$K" = 2 ] && exit 1; exit 0']
            env:
            - {name: K, value: "${k}"}
            - {name: MARKER, value: "m-${k}"}
            - name: POD
              valueFrom: {fieldRef: {fieldPath: metadata.name}}
            volumeMounts: [{name: scratch, mountPath: /scratch}]
            securityContext: {allowPrivilegeEscalation: false}
            resources:
              requests: {cpu: 10m, memory: 8Mi}
              limits: {cpu: 100m, memory: 16Mi}
          volumes: [{name: scratch, emptyDir: {}}]
          tolerations: [{key: mlexp.dev/e2e, operator: Exists, effect: NoSchedule}]
`

// rtTrial is what `status -o json` says of one trial of rt.
type rtTrial struct {
	Name     string         `json:"name"`
	State    string         `json:"state"`
	Pod      string         `json:"pod"`
	Params   map[string]any `json:"params"`
	Attempts []struct {
		Pod string `json:"pod"`
	} `json:"attempts"`
}

// rtFailing returns the trial k=2 of rt.
func rtFailing(t *testing.T, ns string) rtTrial {
	t.Helper()
	r := MustMlexp(t, ns, "status", "rt", "-o", "json")
	var s struct {
		Items []rtTrial `json:"items"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &s); err != nil {
		t.Fatalf("status -o json: %v\n%s", err, r)
	}
	for _, tr := range s.Items {
		if fmt.Sprint(tr.Params["k"]) == "2" {
			return tr
		}
	}
	t.Fatalf("no trial k=2:\n%s", r.Stdout)
	return rtTrial{}
}

// waitRtFailsByItsOwnCommand waits for rt to end with trial k=2 failed,
// exit 1, and its log the marker only its own pod template prints.
func waitRtFailsByItsOwnCommand(t *testing.T, ns string) rtTrial {
	t.Helper()
	r := Mlexp(t, ns, "wait", "rt", "--timeout", "4m")
	if exitCode(r) != 1 || !strings.Contains(r.Stderr, "1 of 2 trials failed: rt-") {
		t.Fatalf("wait: want exit 1 with the trial k=2 failed by its command; got exit %d\n%s", exitCode(r), r)
	}
	tr := rtFailing(t, ns)
	if tr.State != "Failed" || tr.Pod == "" {
		t.Fatalf("trial k=2: %+v", tr)
	}
	logs := MustMlexp(t, ns, "logs", "rt", tr.Name).Stdout
	if want := "marker k=2 env=m-2 vol=vol-2 pod=" + tr.Pod; !strings.Contains(logs, want) {
		t.Errorf("the log of %s lacks %q: it did not run its own command, env and volume:\n%s", tr.Name, want, logs)
	}
	return tr
}

// TestRetryRunsTheTrialsOwnCommand is issue 19's acceptance: a retried
// trial runs its own command, args, env, init container and volume; it
// fails again as its command says, its log shows its own marker from its
// new pod, --dry-run=client -o yaml shows the whole Job, and re-submitting
// the file finds nothing to do.
func TestRetryRunsTheTrialsOwnCommand(t *testing.T) {
	t.Parallel()
	ns := NewNamespace(t, "rt")
	file := WriteFile(t, "rt.yaml", rtExperiment)
	MustMlexp(t, ns, "submit", "-f", file)
	first := waitRtFailsByItsOwnCommand(t, ns)

	dry := MustMlexp(t, ns, "retry", "rt", first.Name, "--dry-run=client", "-o", "yaml").Stdout
	for _, want := range []string{"marker k=$K env=$MARKER", "name: MARKER", "value: m-2", "fieldPath: metadata.name",
		"initContainers:", "echo vol-2 > /scratch/from-init", "mountPath: /scratch", "emptyDir: {}",
		"key: mlexp.dev/e2e", "allowPrivilegeEscalation: false", "mlexp.dev/attempts:"} {
		if !strings.Contains(dry, want) {
			t.Errorf("retry --dry-run=client -o yaml lacks %q:\n%s", want, dry)
		}
	}

	r := MustMlexp(t, ns, "retry", "rt")
	if want := "job.batch/" + first.Name + " replaced (attempt 2 after Failed)\n"; r.Stdout != want {
		t.Errorf("retry printed:\n%s\nwant:\n%s", r.Stdout, want)
	}
	if !strings.Contains(r.Stderr, "kubectl mlexp wait rt") || !strings.Contains(r.Stderr, "-n "+ns) {
		t.Errorf("retry's hint does not keep -n %s:\n%s", ns, r.Stderr)
	}
	second := waitRtFailsByItsOwnCommand(t, ns)
	if second.Pod == first.Pod || len(second.Attempts) != 1 || second.Attempts[0].Pod != first.Pod {
		t.Errorf("the log is not the retried attempt's: pod %s, first attempt's pod %s, attempts %+v", second.Pod, first.Pod, second.Attempts)
	}

	settled := jobVersions(t, ns)
	r = MustMlexp(t, ns, "submit", "-f", file)
	if strings.Count(r.Stdout, " unchanged\n") != 2 {
		t.Errorf("re-submit after a retry: want 2 unchanged\n%s", r)
	}
	for name, v := range jobVersions(t, ns) {
		if settled[name] != v {
			t.Errorf("re-submit touched Job %s", name)
		}
	}
}

// TestSubmitRepairsATrialRetryStripped: a Job re-created as the retry of
// issue 19 did (its pod template trimmed, the file's spec hash, an attempts
// history) ran the image's default command and "succeeded". Re-submitting
// the file names it and refuses; --force re-creates it from the file, and
// it runs its own command again.
func TestSubmitRepairsATrialRetryStripped(t *testing.T) {
	t.Parallel()
	ns := NewNamespace(t, "rtfix")
	file := WriteFile(t, "rt.yaml", rtExperiment)
	MustMlexp(t, ns, "submit", "-f", file)
	tr := waitRtFailsByItsOwnCommand(t, ns)
	stripLikeIssue19(t, ns, tr.Name)
	r := Mlexp(t, ns, "wait", "rt", "--timeout", "4m")
	if exitCode(r) != 0 {
		t.Fatalf("the stripped trial should run the image's default command and succeed, as in issue 19; wait:\n%s", r)
	}

	r = Mlexp(t, ns, "submit", "-f", file)
	for _, want := range []string{"1 trial(s) of experiment \"rt\" no longer run what " + file + " renders (" + tr.Name + ")",
		"spec.template.spec.containers[ml].args", "--force"} {
		if exitCode(r) != 1 || !strings.Contains(r.Stderr, want) {
			t.Errorf("re-submit of a stripped trial: want exit 1 saying %q; got exit %d\n%s", want, exitCode(r), r)
		}
	}
	r = MustMlexp(t, ns, "submit", "-f", file, "--force")
	if !strings.Contains(r.Stdout, "job.batch/"+tr.Name+" replaced\n") || strings.Count(r.Stdout, " unchanged\n") != 1 {
		t.Errorf("submit --force: want the stripped trial replaced, the other unchanged:\n%s", r)
	}
	waitRtFailsByItsOwnCommand(t, ns)
}

// stripLikeIssue19 replaces trial name's Job with what the retry of issue
// 19 created: the Job as a List for reading kept it (no command, args,
// env, init container's command, mounts, volumes, tolerations, security
// context), the file's spec hash, an attempts history.
func stripLikeIssue19(t *testing.T, ns, name string) {
	t.Helper()
	ctx := context.Background()
	jobs := client.BatchV1().Jobs(ns)
	old, err := jobs.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	j := &batchv1.Job{ObjectMeta: metav1.ObjectMeta{Name: old.Name, Labels: old.Labels, Annotations: old.Annotations}, Spec: old.Spec}
	j.Annotations[keys.Attempts] = `[{"attempt":1,"state":"Failed"}]`
	j.Spec.Selector = nil
	delete(j.Spec.Template.Labels, batchv1.ControllerUidLabel)
	delete(j.Spec.Template.Labels, batchv1.JobNameLabel)
	delete(j.Spec.Template.Labels, "controller-uid")
	delete(j.Spec.Template.Labels, "job-name")
	s := &j.Spec.Template.Spec
	s.Volumes, s.Tolerations, s.Affinity = nil, nil, nil
	for _, cs := range [][]corev1.Container{s.InitContainers, s.Containers} {
		for i := range cs {
			c := &cs[i]
			c.Command, c.Args, c.Env, c.EnvFrom, c.VolumeMounts = nil, nil, nil, nil, nil
			c.LivenessProbe, c.ReadinessProbe, c.SecurityContext = nil, nil, nil
		}
	}
	policy := metav1.DeletePropagationForeground
	if err := jobs.Delete(ctx, name, metav1.DeleteOptions{PropagationPolicy: &policy}); err != nil {
		t.Fatal(err)
	}
	WaitFor(t, 2*time.Minute, "Job "+name+" deleted", func() (bool, string) {
		_, err := jobs.Get(ctx, name, metav1.GetOptions{})
		return apierrors.IsNotFound(err), fmt.Sprint(err)
	})
	if _, err := jobs.Create(ctx, j, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}
