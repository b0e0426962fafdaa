package kube

import (
	"context"
	"encoding/json"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
)

// AnnotateJob sets annotations of a Job with one merge patch, as
// fieldManager: the one write the read-only commands make, when asked.
func AnnotateJob(ctx context.Context, c kubernetes.Interface, ns, job string, annotations map[string]string, fieldManager string) error {
	patch, err := json.Marshal(map[string]any{
		"metadata": map[string]any{"annotations": annotations},
	})
	if err != nil {
		return err
	}
	_, err = c.BatchV1().Jobs(ns).Patch(ctx, job, types.MergePatchType, patch, metav1.PatchOptions{FieldManager: fieldManager})
	return err
}
