package kubefake

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// RichPodSpec returns the pod spec of a trial that uses every part of a
// pod template the Lists made for reading trim (kube's trimPodSpec):
// command, args, env, envFrom, volumes and mounts, an init container,
// tolerations, affinity, probes and security contexts. Its container "ml"
// has the memory limit given (and half of it as a request when request).
func RichPodSpec(memory string, request bool) corev1.PodSpec {
	yes, uid := true, int64(1000)
	ml := corev1.Container{
		Name: "ml", Image: "localhost/mlexp/toolbox:dev",
		Command: []string{"sh", "-c"},
		Args:    []string{`echo "trial lr=$LR"; python train.py --lr "$LR"`},
		Env: []corev1.EnvVar{
			{Name: "LR", Value: "0.1"},
			{Name: "POD", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
		},
		EnvFrom:      []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "settings"}}}},
		VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data", ReadOnly: true}, {Name: "scratch", MountPath: "/scratch"}},
		Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{
			corev1.ResourceMemory: resource.MustParse(memory), corev1.ResourceCPU: resource.MustParse("1")}},
		ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"test", "-f", "/tmp/ready"}}}, PeriodSeconds: 5},
		LivenessProbe:  &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromInt32(8080)}}},
		SecurityContext: &corev1.SecurityContext{RunAsNonRoot: &yes, AllowPrivilegeEscalation: new(bool),
			Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}},
	}
	if request {
		half := resource.MustParse(memory)
		half.Set(half.Value() / 2)
		ml.Resources.Requests = corev1.ResourceList{corev1.ResourceMemory: half}
	}
	return corev1.PodSpec{
		RestartPolicy: corev1.RestartPolicyNever,
		InitContainers: []corev1.Container{{Name: "fetch", Image: "localhost/mlexp/toolbox:dev",
			Command: []string{"sh", "-c", "cp /src/* /data/"}, VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data"}}}},
		Containers: []corev1.Container{ml},
		Volumes: []corev1.Volume{
			{Name: "data", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "mnist"}}},
			{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
		},
		Tolerations:  []corev1.Toleration{{Key: "gpu", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}},
		NodeSelector: map[string]string{"pool": "train"},
		Affinity: &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
			NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{
				{Key: "kubernetes.io/arch", Operator: corev1.NodeSelectorOpIn, Values: []string{"amd64"}}}}}}}},
		SecurityContext:    &corev1.PodSecurityContext{RunAsUser: &uid, FSGroup: &uid},
		ServiceAccountName: "trainer",
	}
}
