#!/usr/bin/env bash
# `make e2e-skew`: the e2e suite against the oldest supported Kubernetes (default
# v1.34.4). The cluster is brought down (its data is wiped: objects written by a newer
# API server are not meant to be read by an older one), up again at that version (its own
# cached binaries, built the first time), tested, then brought back at the default version
# -- whatever happened. Prints the e2e result and exits with it.
set -uo pipefail
cd "$(dirname "$0")/.."
export MLEXP_DEV_DIR=${MLEXP_DEV_DIR:-/var/lib/mlexp-dev}
skew=${1:-v1.34.4}
t0=$SECONDS
step() { printf '\n=== e2e-skew: %s (%ds)\n' "$*" $((SECONDS - t0)); }
restore() {
	step "back to the default version"
	make -s dev-cluster-down && env -u KUBE_VERSION make -s dev-cluster
}
step "down"
make -s dev-cluster-down || exit 1
trap restore EXIT
step "up at Kubernetes $skew"
KUBE_VERSION=$skew make -s dev-cluster || exit 1
step "trainer image"
make -s trainer-image || exit 1
make -s plugin-image || exit 1
step "e2e on $skew"
rc=0
make -s e2e || rc=$?
step "e2e on Kubernetes $skew finished with status $rc"
exit $rc
