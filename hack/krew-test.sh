#!/usr/bin/env bash
# Installs kubectl-mlexp through krew for real, the way a user would, and
# offline (only the Go module proxy is needed, for krew's source):
#   1. checks plugins/mlexp.yaml (shape, and that it is krew.yaml rendered);
#   2. builds this platform's release archive with hack/release (the same
#      name and layout as goreleaser's);
#   3. builds krew from the Go module sigs.k8s.io/krew and puts it on PATH as
#      kubectl-krew (no `krew install krew`: that needs the index from GitHub);
#   4. `kubectl krew install --manifest=... --archive=...` into a temporary
#      KREW_ROOT: with --manifest, krew reads no index and downloads nothing;
#   5. checks that `kubectl mlexp version` answers from $KREW_ROOT/bin, that
#      `kubectl plugin list` and `kubectl krew list` show it, that completion
#      works through the installed kubectl_complete-mlexp, and uninstalls.
# When the local archive is not the one whose sha256 plugins/mlexp.yaml names
# because the source moved on since the manifest was generated, krew would
# refuse it, so the install uses a copy of the manifest with the local sha256.
# When the source is the one the manifest names, the archive must be
# byte-identical (a reproducibility check of this platform's archive).
#
# Env: KUBECTL (default $MLEXP_DEV_DIR/bin/kubectl, MLEXP_DEV_DIR defaulting to
# /var/lib/mlexp-dev, else kubectl on PATH),
# KREW_MODULE_VERSION (default v0.4.3), KEEP=1 keeps the temporary directory.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
KREW_MODULE_VERSION="${KREW_MODULE_VERSION:-v0.4.3}"
MANIFEST=plugins/mlexp.yaml

log() { printf 'krew-test: %s\n' "$*" >&2; }
die() { printf 'krew-test: FAIL: %s\n' "$*" >&2; exit 1; }
passed=0
ok() { passed=$((passed + 1)); log "ok: $*"; }
start=$SECONDS
phase() { log "-- $* (t=$((SECONDS - start))s)"; }

if [[ -n "${KUBECTL:-}" ]]; then
	[[ -x "$KUBECTL" ]] || die "KUBECTL=$KUBECTL is not executable"
elif [[ -x "${MLEXP_DEV_DIR:-/var/lib/mlexp-dev}/bin/kubectl" ]]; then
	KUBECTL="${MLEXP_DEV_DIR:-/var/lib/mlexp-dev}/bin/kubectl"
elif command -v kubectl >/dev/null 2>&1; then
	KUBECTL="$(command -v kubectl)"
else
	die "no kubectl found: run \`make dev-cluster\` (it builds ${MLEXP_DEV_DIR:-/var/lib/mlexp-dev}/bin/kubectl), put kubectl on PATH, or set KUBECTL"
fi
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
	PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null 2>&1 || die "go is not on PATH"

work="$(mktemp -d "${TMPDIR:-/tmp}/mlexp-krew-test.XXXXXX")"
if [[ "${KEEP:-}" == 1 ]]; then
	log "keeping $work"
else
	trap 'rm -rf "$work"' EXIT
fi

mkdir -p "$work/tools"
go build -o "$work/tools/mlexp-release" ./hack/release
release() { "$work/tools/mlexp-release" "$@"; }

phase "check $MANIFEST"
release check -no-build -manifest "$MANIFEST" >&2
ok "$MANIFEST is a valid krew manifest and equals krew.yaml rendered"
version="$(release version -manifest "$MANIFEST")"

phase "build the release archive"
platform="$(go env GOHOSTOS)/$(go env GOHOSTARCH)"
archive="$(release build -version "$version" -platforms "$platform" -dist "$work/dist")"
[[ -f "$archive" ]] || die "hack/release build printed no archive"
log "built $archive for $platform"

phase "match the archive to the manifest"
manifest="$MANIFEST"
state="$(release localize -manifest "$MANIFEST" -archive "$archive" -o "$work/mlexp.yaml")"
if [[ "$state" == same ]]; then
	log "$(basename "$archive") is byte-identical to the one $MANIFEST names: installing with $MANIFEST itself"
else
	stale="$(release stale -manifest "$MANIFEST")"
	[[ -n "$stale" ]] || die "$MANIFEST was generated from this very source with this Go, yet $(basename "$archive") differs from the archive it names: the release build is not reproducible here"
	manifest="$work/mlexp.yaml"
	log "$(basename "$archive") differs from the one $MANIFEST names, as expected: $stale"
	log "installing with a copy of $MANIFEST that has the local archive's sha256"
fi

phase "build krew $KREW_MODULE_VERSION from sigs.k8s.io/krew"
GOFLAGS='' CGO_ENABLED=0 GOBIN="$work/tools" go install \
	-ldflags "-X sigs.k8s.io/krew/internal/version.gitTag=$KREW_MODULE_VERSION" \
	"sigs.k8s.io/krew/cmd/krew@$KREW_MODULE_VERSION"
mv "$work/tools/krew" "$work/tools/kubectl-krew"

# A PATH without the user's Go bin or the repository's bin/, so the only
# kubectl-mlexp kubectl can find is the one krew installs.
export KREW_ROOT="$work/krew-root"
export KREW_NO_UPGRADE_CHECK=1
export PATH="$KREW_ROOT/bin:$work/tools:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
export HOME="$work/home"
mkdir -p "$HOME"
# `install --manifest` reads no index, but list and uninstall insist that one
# was cloned (a git work tree under $KREW_ROOT/index/). An empty repository
# stands in for `kubectl krew update`, which would clone it from GitHub.
git init -q "$KREW_ROOT/index/default"
"$KUBECTL" krew version >/dev/null 2>&1 || die "\`kubectl krew version\` failed: kubectl does not find kubectl-krew"
ok "kubectl runs krew as a plugin: krew $("$KUBECTL" krew version 2>/dev/null | awk '$1 == "GitTag" {print $2}')"

phase "kubectl krew install"
"$KUBECTL" krew install --manifest="$manifest" --archive="$archive" </dev/null >&2 ||
	die "kubectl krew install --manifest=$manifest --archive=$archive failed"
ok "kubectl krew install --manifest --archive installed mlexp $version"

[[ "$(command -v kubectl-mlexp)" == "$KREW_ROOT/bin/kubectl-mlexp" ]] ||
	die "kubectl-mlexp on PATH is $(command -v kubectl-mlexp || echo nothing), want $KREW_ROOT/bin/kubectl-mlexp"
list="$("$KUBECTL" krew list 2>&1)" || die "\`kubectl krew list\` failed: $list"
grep -qE '^(detached/)?mlexp$' <<<"$list" || die "\`kubectl krew list\` does not show mlexp: $list"
ok "kubectl krew list shows mlexp; its binary is linked from $KREW_ROOT/bin"

out="$("$KUBECTL" mlexp version)" || die "\`kubectl mlexp version\` failed: $out"
[[ "$out" == "kubectl-mlexp $version"* ]] || die "\`kubectl mlexp version\` printed '$out', want 'kubectl-mlexp $version ...'"
ok "kubectl mlexp version: $out"

plugins="$("$KUBECTL" plugin list 2>/dev/null)" || true
grep -qx "$KREW_ROOT/bin/kubectl-mlexp" <<<"$plugins" || die "\`kubectl plugin list\` does not list $KREW_ROOT/bin/kubectl-mlexp: $plugins"
ok "kubectl plugin list shows $KREW_ROOT/bin/kubectl-mlexp"

store="$KREW_ROOT/store/mlexp/$version"
for f in kubectl-mlexp kubectl_complete-mlexp LICENSE; do
	[[ -f "$store/$f" ]] || die "krew did not install $f into $store"
done
ok "krew installed kubectl-mlexp, kubectl_complete-mlexp and LICENSE into $store"

# kubectl (1.26+) completes `kubectl mlexp <TAB>` by running the
# kubectl_complete-mlexp it finds on PATH.
minor="$("$KUBECTL" version --client -o json 2>/dev/null | sed -n 's/.*"minor": *"\([0-9]*\).*/\1/p' | head -1)"
if [[ -n "$minor" && "$minor" -ge 26 ]]; then
	comp="$(PATH="$store:$PATH" "$KUBECTL" __complete mlexp "" 2>/dev/null)" || die "kubectl __complete mlexp failed"
	grep -q '^version' <<<"$comp" || die "completion through kubectl_complete-mlexp does not offer 'version': $comp"
	ok "kubectl __complete mlexp '' offers the plugin's commands through kubectl_complete-mlexp"
else
	log "skip: kubectl 1.${minor:-?} has no plugin completion (needs 1.26+)"
fi

phase "kubectl krew uninstall"
"$KUBECTL" krew uninstall mlexp >&2 || die "kubectl krew uninstall mlexp failed"
[[ ! -e "$KREW_ROOT/bin/kubectl-mlexp" ]] || die "kubectl krew uninstall left $KREW_ROOT/bin/kubectl-mlexp"
ok "kubectl krew uninstall mlexp removed it"

log "PASS: $passed checks in $((SECONDS - start))s (kubectl: $KUBECTL)"
