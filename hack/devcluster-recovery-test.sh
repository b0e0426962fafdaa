#!/usr/bin/env bash
# The dev cluster comes back with its data after every component was killed with
# SIGKILL (what a reboot or a session killed without `down` leaves): an experiment's Jobs
# are still there after `up`. It stops the whole shared cluster for ~30 s: run it alone.
set -euo pipefail
cd "$(dirname "$0")/.."
export MLEXP_DEV_DIR=${MLEXP_DEV_DIR:-/var/lib/mlexp-dev}
# Right after other fault tests, the node lifecycle controller or the aggregated
# metrics API may still be catching up: wait up to 3 minutes for a healthy status,
# and show the last one if it never comes.
if ! status=$(make -s dev-cluster-status WAIT=3m 2>&1); then
	printf '%s\n' "$status" >&2
	echo "dev cluster is not up (status above, 3 min after asking): make dev-cluster" >&2
	exit 1
fi
# TESTSUM_FLAGS (from hack/check.sh: -record FILE) is split into words on purpose.
# shellcheck disable=SC2086
E2E_DISRUPTIVE=1 go run ./hack/testsum -allow hack/test-skips.txt ${TESTSUM_FLAGS:-} -label recovery -v -- \
	-tags e2e -count=1 -timeout 15m -run 'TestDevClusterRecovery$' ./test/e2e
