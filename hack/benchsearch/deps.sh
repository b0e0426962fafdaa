#!/usr/bin/env bash
# Installs what hack/benchsearch needs beside Go: Debian 12's Optuna 3.1
# (python3-optuna), with scipy for its QMCSampler and cmaes for its
# CmaEsSampler, for /usr/bin/python3. make bench-search runs it, and so does
# make check before the unit tests, whose sample of the benchmark needs it.
set -euo pipefail
check="import importlib.util as u, sys; sys.exit(any(u.find_spec(m) is None for m in ('optuna', 'scipy', 'cmaes')))"
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "$check"; then
	exit 0
fi
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3 python3-optuna python3-scipy python3-cmaes
/usr/bin/python3 -c "$check"
