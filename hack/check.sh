#!/usr/bin/env bash
# `make check`: lint and unit tests, then the end-to-end suite on the local
# cluster. A cluster that was already up is reused and left up; one this
# script started is brought down at exit, whatever happened.
set -euo pipefail
cd "$(dirname "$0")/.."
export MLEXP_DEV_DIR=${MLEXP_DEV_DIR:-/var/lib/mlexp-dev}
started=0
t0=$SECONDS
step() { printf '\n=== %s (%ds)\n' "$*" $((SECONDS - t0)); }

cleanup() {
	rc=$?
	if [ "$started" = 1 ]; then
		step "dev-cluster-down"
		make -s dev-cluster-down || rc=1
	fi
	step "check finished with status $rc"
	exit $rc
}
trap cleanup EXIT

step "lint"
make -s lint
step "python3-optuna for hack/benchsearch's sample of make bench-search"
bash hack/benchsearch/deps.sh
step "unit tests"
make -s unit-test

if make -s dev-cluster-status >/dev/null 2>&1; then
	step "local cluster already up: reusing it"
else
	started=1
	step "dev-cluster up"
	make -s dev-cluster
fi
step "browser for the report test"
# test/e2e's TestReportInBrowser opens the report in Debian's headless Chromium.
if ! command -v chromium >/dev/null 2>&1; then
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-dejavu-core
fi
step "trainer image"
make -s trainer-image
step "e2e"
# The completion test runs kubectl's bash completion, which needs bash-completion,
# and its zsh completion, which needs zsh.
if [ ! -f /usr/share/bash-completion/bash_completion ] || ! command -v zsh >/dev/null 2>&1; then
	apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q bash-completion zsh
fi
make -s e2e
step "scale: 1000 trials, every command's counts (hack/bench -check)"
make -s bench-check
if [ "$started" = 1 ]; then
	# These stop parts of the cluster, or all of it: only on a cluster this script
	# started (CI's), never on a shared one others are testing against.
	step "fault tests (API server, kubelet, containerd restarts; a NotReady node)"
	make -s e2e-faults
	step "dev cluster recovery (kill -9 of every component, then up keeps the Jobs)"
	make -s dev-cluster-recovery-test
fi
if grep -q '^krew-test:' hack/release.mk 2>/dev/null; then
	step "krew install"
	make -s krew-test
fi
