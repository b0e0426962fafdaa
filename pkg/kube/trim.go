package kube

import (
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// What the plugin's lists keep of each object. A decoded Job takes about
// 6.8 KB of memory and a pod more, so an experiment of 10,000 trials would
// hold well over 100 MB of fields no command reads: every list drops them
// page by page, as soon as the page is decoded. What is trimmed must never
// reach a write: a write starts from FetchJobs (full.go), whose FullJob
// only a full read makes.

// trimJob drops what no command reads of a listed Job: its managed fields
// (kubectl does not print them either; they are a fifth of a Job).
func trimJob(j *batchv1.Job) {
	j.ManagedFields = nil
}

// trimJobState also trims the Job's pod template as a pod's spec: the
// state of a trial comes from the Job's metadata and status and from its
// pods, and its limits from the template's containers.
func trimJobState(j *batchv1.Job) {
	trimJob(j)
	// The template's labels and the selector (the Job controller's own
	// controller-uid and job-name labels) are read from the pods, not here.
	j.Spec.Template.ObjectMeta = metav1.ObjectMeta{}
	j.Spec.Selector = nil
	trimPodSpec(&j.Spec.Template.Spec)
}

// trimPod drops what no command reads of a listed pod: its managed fields,
// owner references and what trimPodSpec drops.
func trimPod(p *corev1.Pod) {
	p.ManagedFields = nil
	p.OwnerReferences = nil // a trial's pod is matched by its labels
	trimPodSpec(&p.Spec)
}

// trimPodSpec drops volumes, tolerations, affinity and the parts of the
// containers other than their names, images and resources: commands read
// states, names and limits, never env, mounts or probes.
func trimPodSpec(s *corev1.PodSpec) {
	s.Volumes = nil
	s.Tolerations = nil
	s.Affinity = nil
	s.TopologySpreadConstraints = nil
	for _, cs := range [][]corev1.Container{s.InitContainers, s.Containers} {
		for i := range cs {
			trimContainer(&cs[i])
		}
	}
}

func trimContainer(c *corev1.Container) {
	c.Command, c.Args, c.Env, c.EnvFrom = nil, nil, nil, nil
	c.VolumeMounts, c.VolumeDevices, c.Ports = nil, nil, nil
	c.LivenessProbe, c.ReadinessProbe, c.StartupProbe, c.Lifecycle = nil, nil, nil, nil
	c.SecurityContext = nil
}

// trimEvent drops an event's managed fields.
func trimEvent(e *corev1.Event) {
	e.ManagedFields = nil
}
