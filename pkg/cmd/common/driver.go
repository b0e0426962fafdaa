package common

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/pflag"
	"k8s.io/client-go/kubernetes"

	"github.com/mlexp/kubectl-mlexp/pkg/drive"
	"github.com/mlexp/kubectl-mlexp/pkg/incluster"
	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// Where a search's driver runs (--driver).
const (
	// DriverTerminal runs the driver in this process, in the foreground.
	DriverTerminal = "terminal"
	// DriverCluster runs the driver as one more Job of the experiment.
	DriverCluster = "cluster"
)

// DriverFlags are the flags of submit and tune that choose where a
// search's driver runs.
type DriverFlags struct {
	// Driver is DriverTerminal or DriverCluster.
	Driver string
	// Image is the plugin's image the in-cluster driver runs.
	Image string
}

// AddFlags adds --driver and --driver-image to fs.
func (d *DriverFlags) AddFlags(fs *pflag.FlagSet) {
	if d.Driver == "" {
		d.Driver = DriverTerminal
	}
	fs.StringVar(&d.Driver, "driver", d.Driver, "Where the search's driver runs: terminal (here, in the foreground) or cluster (one more Job of the experiment, under its own ServiceAccount and Role in the namespace; the command returns at once).")
	fs.StringVar(&d.Image, "driver-image", incluster.Image(), "With --driver=cluster, the plugin's image the driver Job runs (for a private registry).")
}

// Validate checks --driver; it does no I/O.
func (d *DriverFlags) Validate() error {
	switch d.Driver {
	case "", DriverTerminal, DriverCluster: // "": Options built without flags
		return nil
	}
	return fmt.Errorf("--driver must be %s or %s, got %q", DriverTerminal, DriverCluster, d.Driver)
}

// InCluster reports whether the driver runs in the cluster.
func (d *DriverFlags) InCluster() bool { return d.Driver == DriverCluster }

// Needs is what starting the in-cluster driver needs in the namespace:
// creating its objects, and holding what its Role grants.
func (d *DriverFlags) Needs() []kube.Access {
	return append(append([]kube.Access(nil), incluster.CreateNeeds...), drive.Needs...)
}

// Start creates experiment exp's driver objects in namespace ns and says
// on out how to follow the search.
func (d *DriverFlags) Start(ctx context.Context, c kubernetes.Interface, ns, exp string, hint Hint, out io.Writer) error {
	objs, err := incluster.Render(incluster.Spec{Experiment: exp, Namespace: ns, Image: d.Image})
	if err != nil {
		return err
	}
	created, err := incluster.Create(ctx, c, objs)
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintf(out, "the search of experiment %q runs in the cluster: job/%s (image %s), under serviceaccount/%s\n", exp, objs.Job.Name, d.Image, objs.ServiceAccount.Name)
	} else {
		fmt.Fprintf(out, "the search of experiment %q already runs in the cluster: job/%s\n", exp, objs.Job.Name)
	}
	fmt.Fprintf(out, "follow the search: %s\n", hint.Command("status", exp, "-w"))
	fmt.Fprintf(out, "and its driver's log: %s\n", hint.Command("logs", exp, "--driver", "-f"))
	return nil
}
