package submit

import (
	"fmt"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// resolveNamespace returns the namespace the trials go to, as kubectl
// chooses it for an object of a file: the file's metadata.namespace when
// -n is not given, -n when the file names none; a file's namespace other
// than -n is an error, with kubectl's words.
func (o *Options) resolveNamespace() (string, error) {
	ns, explicit, err := kube.ExplicitNamespace(o.Getter)
	if err != nil || o.exp.Namespace == "" {
		return ns, err
	}
	if explicit && ns != o.exp.Namespace {
		return "", &experiment.Error{File: o.exp.File, Pos: o.exp.NamespacePos, Msg: fmt.Sprintf(
			"the namespace from the provided object %q does not match the namespace %q. You must pass '--namespace=%s' to perform this operation.",
			o.exp.Namespace, ns, o.exp.Namespace)}
	}
	return o.exp.Namespace, nil
}
