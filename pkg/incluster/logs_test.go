package incluster

import (
	"bytes"
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

func TestLogs(t *testing.T) {
	ctx := context.Background()
	o, _ := Render(Spec{Experiment: "tpe", Namespace: "ml", Image: "i"})
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "mlexp-driver-tpe-abcde", Namespace: "ml", Labels: Labels("tpe")}}
	c := fake.NewClientset(o.Job, pod)
	var out bytes.Buffer
	if err := Logs(ctx, c, "ml", "tpe", LogOptions{}, &out); err != nil {
		t.Fatal(err)
	}
	// The fake clientset answers every log request with "fake logs".
	if out.String() != "fake logs" {
		t.Errorf("log = %q, want the driver pod's", out.String())
	}
	err := Logs(ctx, fake.NewClientset(), "ml", "tpe", LogOptions{}, &out)
	if err == nil || !strings.Contains(err.Error(), "no driver") {
		t.Errorf("without a driver: err = %v", err)
	}
}
