package delete

import (
	"context"
	"fmt"
	"strings"

	"github.com/mlexp/kubectl-mlexp/pkg/cmd/common"
	"github.com/mlexp/kubectl-mlexp/pkg/incluster"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// drivers returns, per whole experiment deleted, the kind/name of its
// in-cluster driver's objects (Job, RoleBinding, Role, ServiceAccount),
// and checks that the user may delete them.
func (o *Options) drivers(ctx context.Context, targets []target) (map[string][]string, error) {
	out := map[string][]string{}
	for _, t := range targets {
		if !t.whole {
			continue
		}
		objs, err := incluster.Existing(ctx, o.client, o.namespace, t.experiment)
		if err != nil {
			return nil, err
		}
		if len(objs) > 0 {
			out[t.experiment] = objs
		}
	}
	if len(out) > 0 && o.dryRun != common.DryRunClient {
		if err := kube.CheckAccess(ctx, o.client, o.namespace, incluster.DeleteNeeds); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// stopDriver stops experiment exp's driver before its trials go: its Job
// is deleted and gone, so it cannot create a trial during the delete.
func (o *Options) stopDriver(ctx context.Context, exp string) error {
	if o.dryRun != common.DryRunNone {
		return nil
	}
	_, err := incluster.Stop(ctx, o.client, o.namespace, exp, o.Timeout)
	return err
}

// removeDriver deletes what is left of experiment exp's driver once its
// trials are gone (ServiceAccount, Role, RoleBinding), and prints every
// driver object as delete prints the trials' Jobs.
func (o *Options) removeDriver(ctx context.Context, exp string, objs []string) error {
	if o.dryRun != common.DryRunClient {
		if _, err := incluster.Remove(ctx, o.client, o.namespace, exp, o.dryRun == common.DryRunServer); err != nil {
			return err
		}
	}
	if o.PrintFlags.Objects() {
		return nil // -o json|yaml|templates print the trials' Jobs only
	}
	for _, obj := range objs {
		if o.PrintFlags.Output() == "name" {
			fmt.Fprintln(o.Out, obj)
			continue
		}
		kind, name, _ := strings.Cut(obj, "/")
		fmt.Fprintf(o.Out, "%s \"%s\" deleted%s\n", kind, name, o.dryRun.Suffix())
	}
	return nil
}
