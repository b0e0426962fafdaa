// Command devcluster runs the project's own single-node Kubernetes cluster on this machine:
// etcd, the control plane, a kubelet with its own containerd, and metrics-server, all built
// from their Go modules and all keeping their state under MLEXP_DEV_DIR.
package main

import (
	"fmt"
	"os"
	"time"
)

const usageText = `usage: devcluster <command> [flags]

commands:
  up       build what is missing, start the cluster, wait until it is Ready (idempotent)
  down     stop everything and clean up (--purge also removes the binary cache)
  status [--wait DURATION]   show each component, its pid and whether it runs, and the node;
           --wait asks again until all is up or DURATION has passed
  stop NAME [--kill]   stop one component (SIGTERM, or SIGKILL at once with --kill); the rest runs on
  start NAME           start one stopped component and wait until it is healthy
  restart NAME         stop and start one component
  image    build a docker-archive image tar and import it into the cluster's containerd
  plugin-image [--src DIR] [--name NAME] [--out FILE]
           build the plugin (static) from the working tree and import ` + PluginImage + `
           (entrypoint ` + PluginBinPath + `)
  env      print the shell exports for the dev kubectl and kubeconfig
  build    only build (or find cached) binaries of the chosen versions (KUBE_VERSION); changes nothing else

status exits 1 unless every component runs and the node is Ready with metrics.
image flags: --name NAME [--busybox] [--add SRC:DST]... [--symlink DST:TARGET]... [--dir DST]...
             [--entrypoint '["/bin/x"]'|'/bin/x a'] [--cmd ...] [--env K=V]... [--workdir D] [--out FILE]

components: %s

environment: MLEXP_DEV_DIR (state dir, default /var/lib/mlexp-dev), KUBE_VERSION (default ` + DefaultKubeVersion + `;
  ` + SkewKubeVersion + ` for the skew tests), MLEXP_KWOK=0|1 (default 1), KWOK_NODES (default 4),
  MLEXP_KUEUE=0|1 (default 1)
`

// usage is the help text, naming every component of the table.
func usage() string { return fmt.Sprintf(usageText, componentNames(Layout{})) }

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage())
		os.Exit(2)
	}
	l, err := NewLayout()
	if err != nil {
		fatal(err)
	}
	args := os.Args[2:]
	switch os.Args[1] {
	case "up":
		err = noArgs("up", args, Up, l)
	case "down":
		purge := len(args) == 1 && args[0] == "--purge"
		if len(args) > 0 && !purge {
			err = fmt.Errorf("down takes only --purge")
			break
		}
		err = Down(l, purge)
	case "stop":
		err = StopComponent(l, args)
	case "start":
		err = StartComponent(l, args)
	case "restart":
		err = RestartComponent(l, args)
	case "status":
		var wait time.Duration
		if wait, err = parseWait(args); err == nil && !WaitStatus(l, os.Stdout, wait) {
			os.Exit(1)
		}
	case "env":
		PrintEnv(l, os.Stdout)
	case "image":
		err = runImage(l, args)
	case "plugin-image":
		err = runPluginImage(l, args)
	case "build":
		_, err = buildAll(l)
	case "-h", "--help", "help":
		fmt.Print(usage())
	default:
		fmt.Fprintf(os.Stderr, "devcluster: unknown command %q\n%s", os.Args[1], usage())
		os.Exit(2)
	}
	if err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintf(os.Stderr, "devcluster: error: %v\n", err)
	os.Exit(1)
}

func noArgs(cmd string, args []string, fn func(Layout) error, l Layout) error {
	if len(args) > 0 {
		return fmt.Errorf("%s takes no arguments", cmd)
	}
	return fn(l)
}

// parseWait reads status's optional `--wait DURATION`.
func parseWait(args []string) (time.Duration, error) {
	switch {
	case len(args) == 0:
		return 0, nil
	case len(args) == 2 && args[0] == "--wait":
		d, err := time.ParseDuration(args[1])
		if err != nil || d < 0 {
			return 0, fmt.Errorf("status --wait: want a duration such as 3m, got %q", args[1])
		}
		return d, nil
	}
	return 0, fmt.Errorf("status takes only --wait DURATION")
}
