#!/usr/bin/env bash
# `make demo`: the seed's experiment end to end. Uses the cluster of
# MLEXP_DEMO_KUBECONFIG when given (its nodes must be able to run
# MLEXP_DEMO_IMAGE); otherwise brings up the project's local cluster
# (idempotent) and builds the trainer image into it. Then builds the plugin,
# submits examples/demo.yaml, shows the trials queue and run until all have
# finished, and ranks them with `results`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/go/bin:$PATH
export MLEXP_DEV_DIR=${MLEXP_DEV_DIR:-/var/lib/mlexp-dev}
export MLEXP_DEMO_IMAGE=${MLEXP_DEMO_IMAGE:-localhost/mlexp/trainer:dev}
t0=$SECONDS
say() { printf '\n\033[1m== %s\033[0m (%ds)\n' "$*" $((SECONDS - t0)); }

if [ -n "${MLEXP_DEMO_KUBECONFIG:-}" ]; then
	export KUBECONFIG=$MLEXP_DEMO_KUBECONFIG
	say "using the cluster of $KUBECONFIG with image $MLEXP_DEMO_IMAGE"
	command -v kubectl >/dev/null || { echo "error: kubectl is not on PATH" >&2; exit 1; }
else
	say "local cluster (make dev-cluster)"
	make -s dev-cluster
	export KUBECONFIG=$MLEXP_DEV_DIR/kubeconfig
	export PATH=$MLEXP_DEV_DIR/bin:$PATH
	say "trainer image $MLEXP_DEMO_IMAGE"
	bash examples/mnist/build-image.sh --name "$MLEXP_DEMO_IMAGE"
fi

say "build the plugin"
make -s build
export PATH=$PWD/bin:$PATH

say "kubectl mlexp submit -f examples/demo.yaml"
kubectl mlexp delete mnist --ignore-not-found >/dev/null
kubectl mlexp submit -f examples/demo.yaml

say "kubectl mlexp status mnist -w  (until every trial has finished)"
kubectl mlexp status mnist -w

say "kubectl mlexp status mnist"
kubectl mlexp status mnist

say "kubectl mlexp results mnist"
kubectl mlexp results mnist

say "done: the experiment stays in the cluster; kubectl mlexp delete mnist removes it"
