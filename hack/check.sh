#!/usr/bin/env bash
# `make check`: the packages the tests need, lint and unit tests, then the end-to-end
# suite on the local cluster. A cluster that was already up is reused and left up; one
# this script started is brought down at exit, whatever happened. Every go test run goes
# through hack/testsum: it prints failures and counts, and fails when a test skips that
# hack/test-skips.txt does not allow; the totals of all runs are printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
export MLEXP_DEV_DIR=${MLEXP_DEV_DIR:-/var/lib/mlexp-dev}
started=0
t0=$SECONDS
step() { printf '\n=== %s (%ds)\n' "$*" $((SECONDS - t0)); }
record=$(mktemp "${TMPDIR:-/tmp}/mlexp-check-counts.XXXXXX")
export TESTSUM_FLAGS="-record $record"

cleanup() {
	rc=$?
	if [ "$started" = 1 ]; then
		step "dev-cluster-down"
		make -s dev-cluster-down || rc=1
		# down leaves the machine as it found it: no link, NAT chain or mount of ours.
		left=$( { ip -o link show 2>/dev/null | grep -oE 'mlexp[-a-z0-9]*' || true; }
			{ iptables -w -t nat -S 2>/dev/null | grep -o 'MLEXP-DEV[-A-Z]*' || true; }
			{ grep -o " $MLEXP_DEV_DIR[^ ]*" /proc/self/mountinfo || true; } )
		if [ -n "$left" ]; then
			echo "dev-cluster-down left behind:" $left >&2
			rc=1
		fi
	fi
	step "check finished with status $rc; the tests of every run:"
	if [ -s "$record" ]; then
		go run ./hack/testsum -total "$record" || true
	fi
	rm -f "$record"
	exit $rc
}
trap cleanup EXIT

# Debian packages some test needs, installed in one step before the first test so that
# none of them skips on a fresh machine:
#   chromium, fonts-dejavu-core  the report's browser tests (pkg/report, test/headless, e2e)
#   bash-completion, zsh         the e2e shell completion test
#   python3-optuna, python3-scipy  the search benchmark's comparison with Optuna
# (The dev cluster's own packages are installed by `make dev-cluster`.)
TEST_PACKAGES=(chromium fonts-dejavu-core bash-completion zsh python3-optuna python3-scipy)
step "packages the tests need"
missing=()
for p in "${TEST_PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "installing ${missing[*]}"
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

step "lint"
make -s lint
step "unit tests"
make -s unit-test

if make -s dev-cluster-status >/dev/null 2>&1; then
	step "local cluster already up: reusing it"
else
	started=1
	step "dev-cluster up"
	make -s dev-cluster
fi
step "trainer image"
make -s trainer-image
step "plugin image (localhost/mlexp/kubectl-mlexp:dev)"
make -s plugin-image
step "e2e"
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
