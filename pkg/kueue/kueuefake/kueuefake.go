// Package kueuefake builds Kueue objects and fake clients serving them,
// for tests of the commands that read Kueue's Workloads and LocalQueues.
package kueuefake

import (
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	fakediscovery "k8s.io/client-go/discovery/fake"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
	"github.com/mlexp/kubectl-mlexp/pkg/kueue"
)

// Serve makes c's discovery report Kueue's API in version (v1beta2 or
// v1beta1) with Workloads and LocalQueues; without a call, Kueue is absent.
func Serve(c *fake.Clientset, version string) {
	d := c.Discovery().(*fakediscovery.FakeDiscovery)
	d.Resources = append(d.Resources, &metav1.APIResourceList{
		GroupVersion: kueue.Group + "/" + version,
		APIResources: []metav1.APIResource{
			{Name: kueue.Workloads, Namespaced: true, Kind: "Workload"},
			{Name: kueue.LocalQueues, Namespaced: true, Kind: "LocalQueue"},
		},
	})
}

// NewDynamic returns a fake dynamic client holding objs, which lists
// Workloads and LocalQueues of every version the plugin reads.
func NewDynamic(objs ...runtime.Object) *dynamicfake.FakeDynamicClient {
	kinds := map[schema.GroupVersionResource]string{}
	for _, v := range kueue.Versions {
		api := kueue.API{Version: v}
		kinds[api.GVR(kueue.Workloads)] = "WorkloadList"
		kinds[api.GVR(kueue.LocalQueues)] = "LocalQueueList"
	}
	return dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), kinds, objs...)
}

// Workload returns the Workload Kueue would make for job (owned by it,
// named like Kueue names them), in version, changed by mutate.
func Workload(version string, job *batchv1.Job, mutate ...func(*kueue.Workload)) *unstructured.Unstructured {
	yes := true
	w := &kueue.Workload{
		TypeMeta: metav1.TypeMeta{APIVersion: kueue.Group + "/" + version, Kind: "Workload"},
		ObjectMeta: metav1.ObjectMeta{
			Name: "job-" + job.Name + "-1a2b3", Namespace: job.Namespace, UID: types.UID("wl-" + string(job.UID)),
			CreationTimestamp: job.CreationTimestamp,
			Labels:            map[string]string{keys.KueueJobUID: string(job.UID)},
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "batch/v1", Kind: "Job", Name: job.Name, UID: job.UID,
				Controller: &yes, BlockOwnerDeletion: &yes}},
		},
		Spec: kueue.WorkloadSpec{QueueName: job.Labels[keys.KueueQueueName]},
	}
	for _, m := range mutate {
		m(w)
	}
	return ToUnstructured(w)
}

// LocalQueue returns LocalQueue name of namespace ns feeding clusterQueue.
func LocalQueue(version, ns, name, clusterQueue string) *unstructured.Unstructured {
	return ToUnstructured(&kueue.LocalQueue{
		TypeMeta:   metav1.TypeMeta{APIVersion: kueue.Group + "/" + version, Kind: "LocalQueue"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec:       kueue.LocalQueueSpec{ClusterQueue: clusterQueue},
	})
}

// ToUnstructured converts a Kueue object of package kueue.
func ToUnstructured(obj any) *unstructured.Unstructured {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		panic(err)
	}
	return &unstructured.Unstructured{Object: m}
}

// Pending sets the QuotaReserved=False condition Kueue's scheduler sets on
// a Workload that does not fit.
func Pending(msg string) func(*kueue.Workload) {
	return Condition(kueue.CondQuotaReserved, metav1.ConditionFalse, "Pending", msg)
}

// Admitted reserves quota in clusterQueue and admits the Workload.
func Admitted(clusterQueue string) func(*kueue.Workload) {
	return func(w *kueue.Workload) {
		w.Status.Admission = &kueue.Admission{ClusterQueue: clusterQueue}
		Condition(kueue.CondQuotaReserved, metav1.ConditionTrue, "QuotaReserved", "Quota reserved in ClusterQueue "+clusterQueue)(w)
		Condition(kueue.CondAdmitted, metav1.ConditionTrue, "Admitted", "The workload is admitted")(w)
	}
}

// Condition sets a condition on the Workload.
func Condition(typ string, status metav1.ConditionStatus, reason, msg string) func(*kueue.Workload) {
	return func(w *kueue.Workload) {
		w.Status.Conditions = append(w.Status.Conditions, metav1.Condition{Type: typ, Status: status, Reason: reason, Message: msg,
			LastTransitionTime: w.CreationTimestamp})
	}
}

// Inactive sets spec.active to false.
func Inactive(w *kueue.Workload) {
	no := false
	w.Spec.Active = &no
}
