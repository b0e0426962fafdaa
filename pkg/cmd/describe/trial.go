package describe

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/kubectl/pkg/cmd/util/podcmd"
	kdescribe "k8s.io/kubectl/pkg/describe"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
	"github.com/mlexp/kubectl-mlexp/pkg/trialevents"
)

// trialView is everything describe shows about one trial.
type trialView struct {
	status trial.Status
	job    *batchv1.Job
	pod    *corev1.Pod // the newest pod; nil when there is none
	pods   int
	events []trialevents.Event
	log    []string
	logErr string
}

// describeTrial gathers the trial (one List each of its Jobs, pods and the
// namespace's events, one log request) and prints it.
func (o *Options) describeTrial(ctx context.Context) error {
	sel := keys.ForExperiment(o.experiment) + "," + keys.Trial + "=" + o.trial
	jobs, pods, err := kube.ListJobsAndPods(ctx, o.client, o.namespace, sel)
	if err != nil {
		return err
	}
	if len(jobs) == 0 {
		l, err := o.client.BatchV1().Jobs(o.namespace).List(ctx, metav1.ListOptions{LabelSelector: keys.ForExperiment(o.experiment), Limit: 1})
		if err == nil && len(l.Items) == 0 {
			return kube.ExperimentNotFound(o.experiment, o.namespace)
		}
		return fmt.Errorf("no trial %s in experiment %q (see `kubectl mlexp status %s`)", o.trial, o.experiment, o.experiment)
	}
	v := &trialView{job: &jobs[0], pods: len(pods), status: trial.FromJob(&jobs[0], pods)}
	statuses := []trial.Status{v.status}
	if err := trial.ReadKueue(ctx, o.Getter, o.client, o.namespace, jobs, statuses); err != nil {
		fmt.Fprintf(o.ErrOut, "warning: cannot read the trial's Kueue Workload: %v\n", err)
	}
	v.status = statuses[0]
	for i := range pods {
		if pods[i].Name == v.status.Pod {
			v.pod = &pods[i]
		}
	}
	evs, err := kube.ListEvents(ctx, o.client, o.namespace)
	if err != nil {
		fmt.Fprintf(o.ErrOut, "warning: cannot list events: %v\n", err)
	}
	v.events = trialevents.OfTrial(o.experiment, o.trial, jobs, pods, evs)
	o.readLog(ctx, v)
	return tabbed(o.Out, func(w io.Writer) { o.printTrial(kdescribe.NewPrefixWriter(w), v) })
}

// readLog reads the last --tail lines of the newest pod's default container.
func (o *Options) readLog(ctx context.Context, v *trialView) {
	if o.Tail <= 0 {
		return
	}
	if v.pod == nil || !hasRun(v.pod) {
		v.logErr = "the trial's pod has not started"
		return
	}
	c, err := podcmd.FindOrDefaultContainerByName(v.pod, "", true, nil)
	if err != nil {
		v.logErr = err.Error()
		return
	}
	tail := o.Tail
	rc, err := o.client.CoreV1().Pods(o.namespace).GetLogs(v.pod.Name, &corev1.PodLogOptions{Container: c.Name, TailLines: &tail}).Stream(ctx)
	if err != nil {
		v.logErr = err.Error()
		return
	}
	defer rc.Close()
	sc := bufio.NewScanner(rc)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		v.log = append(v.log, sc.Text())
	}
	if err := sc.Err(); err != nil {
		v.logErr = err.Error()
	}
}

// hasRun reports whether a container of pod has started, so it has a log.
func hasRun(pod *corev1.Pod) bool {
	for _, cs := range pod.Status.ContainerStatuses {
		if cs.State.Running != nil || cs.State.Terminated != nil || cs.LastTerminationState.Terminated != nil {
			return true
		}
	}
	return false
}

func (o *Options) printTrial(w kdescribe.PrefixWriter, v *trialView) {
	s := &v.status
	now := o.Now()
	w.Write(kdescribe.LEVEL_0, "Name:\t%s\n", s.Name)
	w.Write(kdescribe.LEVEL_0, "Namespace:\t%s\n", s.Namespace)
	w.Write(kdescribe.LEVEL_0, "Experiment:\t%s\n", s.Experiment)
	w.Write(kdescribe.LEVEL_0, "Index:\t%d\n", s.Index)
	printParams(w, s.Params)
	w.Write(kdescribe.LEVEL_0, "State:\t%s\n", s.State)
	if r := s.ReasonText(false); r != "-" {
		w.Write(kdescribe.LEVEL_0, "Reason:\t%s\n", r)
	}
	if s.Message != "" {
		w.Write(kdescribe.LEVEL_0, "Message:\t%s\n", s.Message)
	}
	w.Write(kdescribe.LEVEL_0, "Attempt:\t%d\n", s.Attempt)
	w.Write(kdescribe.LEVEL_0, "Node:\t%s\n", orNone(s.Node))
	w.Write(kdescribe.LEVEL_0, "Created:\t%s\n", stamp(&s.Created, now))
	w.Write(kdescribe.LEVEL_0, "Started:\t%s\n", stamp(s.Started, now))
	w.Write(kdescribe.LEVEL_0, "Finished:\t%s\n", stamp(s.Finished, now))
	if d := s.Duration(now); d > 0 {
		w.Write(kdescribe.LEVEL_0, "Duration:\t%s\n", duration.HumanDuration(d))
	}
	w.Write(kdescribe.LEVEL_0, "Spec Hash:\t%s\n", orNone(v.job.Annotations[keys.SpecHash]))
	if ov, err := trial.DecodeOverride(v.job.Annotations[keys.Override]); err == nil && ov != nil {
		w.Write(kdescribe.LEVEL_0, "Retry Override:\n")
		for _, c := range ov.Changes {
			w.Write(kdescribe.LEVEL_1, "%s\n", c)
		}
	}
	printQueueing(w, s.Queueing)
	printJob(w, v.job, v.pods, now)
	printContainers(w, v.job)
	if v.pod != nil {
		printPod(w, v.pod, v.pods, now)
	}
	printAttempts(w, s, v.job, now)
	printResults(w, v.job, o.experiment)
	printEvents(w, v.events, now)
	printLog(w, v, o.Tail)
}

func printParams(w kdescribe.PrefixWriter, p params.Params) {
	if len(p) == 0 {
		w.Write(kdescribe.LEVEL_0, "Parameters:\t<none>\n")
		return
	}
	w.Write(kdescribe.LEVEL_0, "Parameters:\n")
	for _, kv := range p {
		w.Write(kdescribe.LEVEL_1, "%s:\t%s\n", kv.Name, params.Format(kv.Value))
	}
}

func printJob(w kdescribe.PrefixWriter, job *batchv1.Job, pods int, now time.Time) {
	w.Write(kdescribe.LEVEL_0, "Job:\n")
	w.Write(kdescribe.LEVEL_1, "Backoff Limit:\t%s\n", int32OrUnset(job.Spec.BackoffLimit))
	if d := job.Spec.ActiveDeadlineSeconds; d != nil {
		w.Write(kdescribe.LEVEL_1, "Active Deadline Seconds:\t%ds\n", *d)
	}
	if t := job.Spec.TTLSecondsAfterFinished; t != nil {
		w.Write(kdescribe.LEVEL_1, "TTL Seconds After Finished:\t%d (the Job and its pods are deleted then)\n", *t)
	}
	if job.Spec.Suspend != nil && *job.Spec.Suspend {
		w.Write(kdescribe.LEVEL_1, "Suspend:\ttrue\n")
	}
	w.Write(kdescribe.LEVEL_1, "Pods Statuses:\t%d Active / %d Succeeded / %d Failed (%d pods exist)\n",
		job.Status.Active, job.Status.Succeeded, job.Status.Failed, pods)
	if len(job.Status.Conditions) == 0 {
		w.Write(kdescribe.LEVEL_1, "Conditions:\t<none>\n")
		return
	}
	w.Write(kdescribe.LEVEL_1, "Conditions:\n")
	w.Write(kdescribe.LEVEL_2, "Type\tStatus\tReason\tAge\tMessage\n")
	w.Write(kdescribe.LEVEL_2, "----\t------\t------\t---\t-------\n")
	for _, c := range job.Status.Conditions {
		w.Write(kdescribe.LEVEL_2, "%s\t%s\t%s\t%s\t%s\n", c.Type, c.Status, orDash(c.Reason), age(c.LastTransitionTime.Time, now), orDash(c.Message))
	}
}

// printContainers shows the Job's containers as the pod template sets
// them: image, command, resources.
func printContainers(w kdescribe.PrefixWriter, job *batchv1.Job) {
	w.Write(kdescribe.LEVEL_0, "Containers:\n")
	for _, c := range job.Spec.Template.Spec.Containers {
		w.Write(kdescribe.LEVEL_1, "%s:\n", c.Name)
		w.Write(kdescribe.LEVEL_2, "Image:\t%s\n", c.Image)
		if len(c.Command) > 0 {
			w.Write(kdescribe.LEVEL_2, "Command:\t%s\n", strings.Join(c.Command, " "))
		}
		if len(c.Args) > 0 {
			w.Write(kdescribe.LEVEL_2, "Args:\t%s\n", strings.Join(c.Args, " "))
		}
		w.Write(kdescribe.LEVEL_2, "Limits:\t%s\n", resourceList(c.Resources.Limits))
		w.Write(kdescribe.LEVEL_2, "Requests:\t%s\n", resourceList(c.Resources.Requests))
	}
}

func printPod(w kdescribe.PrefixWriter, pod *corev1.Pod, pods int, now time.Time) {
	w.Write(kdescribe.LEVEL_0, "Pod:\t%s (newest of %d)\n", pod.Name, pods)
	w.Write(kdescribe.LEVEL_1, "Phase:\t%s\n", pod.Status.Phase)
	if pod.Status.Reason != "" {
		w.Write(kdescribe.LEVEL_1, "Reason:\t%s\n", pod.Status.Reason)
	}
	if len(pod.Status.Conditions) > 0 {
		w.Write(kdescribe.LEVEL_1, "Conditions:\n")
		w.Write(kdescribe.LEVEL_2, "Type\tStatus\tReason\tMessage\n")
		w.Write(kdescribe.LEVEL_2, "----\t------\t------\t-------\n")
		for _, c := range pod.Status.Conditions {
			w.Write(kdescribe.LEVEL_2, "%s\t%s\t%s\t%s\n", c.Type, c.Status, orDash(c.Reason), orDash(c.Message))
		}
	}
	statuses := append(append([]corev1.ContainerStatus{}, pod.Status.InitContainerStatuses...), pod.Status.ContainerStatuses...)
	for _, cs := range statuses {
		w.Write(kdescribe.LEVEL_1, "Container %s:\n", cs.Name)
		printState(w, "State", cs.State, now)
		if cs.LastTerminationState.Terminated != nil {
			printState(w, "Last State", cs.LastTerminationState, now)
		}
		w.Write(kdescribe.LEVEL_2, "Ready:\t%v\n", cs.Ready)
		w.Write(kdescribe.LEVEL_2, "Restart Count:\t%d\n", cs.RestartCount)
	}
}

func printState(w kdescribe.PrefixWriter, title string, st corev1.ContainerState, now time.Time) {
	switch {
	case st.Running != nil:
		w.Write(kdescribe.LEVEL_2, "%s:\tRunning\n", title)
		w.Write(kdescribe.LEVEL_3, "Started:\t%s\n", stamp(&st.Running.StartedAt.Time, now))
	case st.Waiting != nil:
		w.Write(kdescribe.LEVEL_2, "%s:\tWaiting\n", title)
		w.Write(kdescribe.LEVEL_3, "Reason:\t%s\n", orDash(st.Waiting.Reason))
		if st.Waiting.Message != "" {
			w.Write(kdescribe.LEVEL_3, "Message:\t%s\n", st.Waiting.Message)
		}
	case st.Terminated != nil:
		t := st.Terminated
		w.Write(kdescribe.LEVEL_2, "%s:\tTerminated\n", title)
		w.Write(kdescribe.LEVEL_3, "Reason:\t%s\n", orDash(t.Reason))
		w.Write(kdescribe.LEVEL_3, "Exit Code:\t%d\n", t.ExitCode)
		if t.Signal != 0 {
			w.Write(kdescribe.LEVEL_3, "Signal:\t%d\n", t.Signal)
		}
		if msg := strings.TrimSpace(t.Message); msg != "" {
			w.Write(kdescribe.LEVEL_3, "Message:\t%s\n", strings.ReplaceAll(msg, "\n", " "))
		}
		w.Write(kdescribe.LEVEL_3, "Started:\t%s\n", stamp(&t.StartedAt.Time, now))
		w.Write(kdescribe.LEVEL_3, "Finished:\t%s\n", stamp(&t.FinishedAt.Time, now))
	default:
		w.Write(kdescribe.LEVEL_2, "%s:\t<unknown>\n", title)
	}
}

// printAttempts shows every run of the trial, the current one last.
func printAttempts(w kdescribe.PrefixWriter, s *trial.Status, job *batchv1.Job, now time.Time) {
	w.Write(kdescribe.LEVEL_0, "Attempts:\n")
	w.Write(kdescribe.LEVEL_1, "#\tOutcome\tMemory Limits\tNode\tStarted\tDuration\n")
	w.Write(kdescribe.LEVEL_1, "-\t-------\t-------------\t----\t-------\t--------\n")
	row := func(a *trial.Attempt, outcome string) {
		w.Write(kdescribe.LEVEL_1, "%d\t%s\t%s\t%s\t%s\t%s\n", a.Attempt, outcome, limits(a.MemoryLimits), orDash(a.Node),
			shortStamp(a.Started), span(a.Started, a.Finished))
	}
	for i := range s.Attempts {
		row(&s.Attempts[i], s.Attempts[i].Summary())
	}
	cur := trial.NewAttempt(s, job)
	if cur.Finished == nil && s.State == trial.Running {
		cur.Finished = &now
	}
	row(&cur, cur.Summary()+" (current)")
}

// printResults shows the metrics `results` recorded on the Job.
func printResults(w kdescribe.PrefixWriter, job *batchv1.Job, exp string) {
	v, ok := job.Annotations[keys.Results]
	r, err := ranking.DecodeRecord(v)
	if !ok || err != nil || len(r.Metrics) == 0 {
		w.Write(kdescribe.LEVEL_0, "Metrics:\t<none recorded> (`kubectl mlexp results %s` reads and records them)\n", exp)
		return
	}
	w.Write(kdescribe.LEVEL_0, "Metrics:\t(from the %s of pod %s)\n", r.Source, orDash(r.Pod))
	names := make([]string, 0, len(r.Metrics))
	for n := range r.Metrics {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w.Write(kdescribe.LEVEL_1, "%s:\t%s\n", n, ranking.FormatExact(float64(r.Metrics[n])))
	}
}

// printEvents shows the trial's events as kubectl describe does.
func printEvents(w kdescribe.PrefixWriter, evs []trialevents.Event, now time.Time) {
	if len(evs) == 0 {
		w.Write(kdescribe.LEVEL_0, "Events:\t<none>\n")
		return
	}
	w.Write(kdescribe.LEVEL_0, "Events:\n")
	w.Write(kdescribe.LEVEL_1, "Type\tReason\tAge\tFrom\tObject\tMessage\n")
	w.Write(kdescribe.LEVEL_1, "----\t------\t----\t----\t------\t-------\n")
	for _, e := range evs {
		a := age(e.Last, now)
		if e.Count > 1 {
			a = fmt.Sprintf("%s (x%d over %s)", a, e.Count, age(e.First, now))
		}
		w.Write(kdescribe.LEVEL_1, "%s\t%s\t%s\t%s\t%s\t%s\n", e.Type, e.Reason, a, orDash(e.Source), e.Object, strings.TrimSpace(e.Message))
	}
}

func printLog(w kdescribe.PrefixWriter, v *trialView, tail int64) {
	if tail <= 0 {
		return
	}
	if v.logErr != "" {
		w.Write(kdescribe.LEVEL_0, "Log:\t<%s>\n", v.logErr)
		return
	}
	w.Write(kdescribe.LEVEL_0, "Log:\t(last %d lines of pod %s)\n", tail, v.pod.Name)
	for _, l := range v.log {
		w.WriteLine("  " + strings.ReplaceAll(l, "\t", "    "))
	}
}

// printQueueing prints what Kueue says of a trial submitted to a queue:
// its LocalQueue and place in line, its Workload and ClusterQueue.
func printQueueing(w kdescribe.PrefixWriter, q *trial.Queueing) {
	if q == nil {
		return
	}
	w.Write(kdescribe.LEVEL_0, "Queue:\n")
	w.Write(kdescribe.LEVEL_1, "LocalQueue:\t%s\n", q.Queue)
	if q.Position > 0 {
		w.Write(kdescribe.LEVEL_1, "Position:\t%d of %d pending\n", q.Position, q.Pending)
	}
	w.Write(kdescribe.LEVEL_1, "Workload:\t%s\n", orNone(q.Workload))
	w.Write(kdescribe.LEVEL_1, "ClusterQueue:\t%s\n", orNone(q.ClusterQueue))
	w.Write(kdescribe.LEVEL_1, "Active:\t%t\n", q.Active)
}
