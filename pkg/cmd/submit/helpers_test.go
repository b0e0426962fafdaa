package submit

import (
	"os"

	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/kube/kubefake"
)

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o644) }

// newClient returns a fake clientset that allows every access submit asks about.
func newClient() *fake.Clientset {
	c := fake.NewClientset()
	kubefake.AllowAll(c)
	return c
}
