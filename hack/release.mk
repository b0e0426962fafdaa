# Release and krew targets; the root Makefile includes this file.
# hack/release (a small Go program) builds the release archives reproducibly,
# laid out exactly as .goreleaser.yaml lays them out, so none of these targets
# but release and release-snapshot needs goreleaser.

# RELEASE_VERSION is the tag being released; by default the version that
# plugins/mlexp.yaml describes (evaluated only when a target uses it).
RELEASE_VERSION ?= $(shell go run ./hack/release version 2>/dev/null || echo v0.1.0)
# RELEASE_DIST is where release-archives and krew-manifest put the archives.
RELEASE_DIST ?= dist/release
# RELEASE_PLATFORMS limits release-archives to some os/arch pairs ("all", or e.g. linux/amd64).
RELEASE_PLATFORMS ?= all
# GORELEASER runs goreleaser v2 (only release and release-snapshot use it); the
# `go run` fallback compiles goreleaser first, which takes long (about an hour
# here on 2 busy cores).
GORELEASER ?= $(shell command -v goreleaser 2>/dev/null || echo go run github.com/goreleaser/goreleaser/v2@v2.15.1)
# KREW_CHECK_FLAGS are extra flags for krew-manifest-check (e.g. -strict, -platforms linux/amd64).
KREW_CHECK_FLAGS ?=

.PHONY: release-archives krew-manifest krew-manifest-check krew-test release-snapshot release

## release-archives: build the release archives and checksums.txt into $(RELEASE_DIST) (reproducible, no goreleaser)
release-archives:
	go run ./hack/release build -version $(RELEASE_VERSION) -dist $(RELEASE_DIST) -platforms $(RELEASE_PLATFORMS)

## krew-manifest: rebuild every archive and regenerate plugins/mlexp.yaml from krew.yaml (RELEASE_VERSION=vX.Y.Z for a new release)
krew-manifest:
	rm -rf $(RELEASE_DIST)
	go run ./hack/release build -require-clean -version $(RELEASE_VERSION) -dist $(RELEASE_DIST)
	go run ./hack/release manifest -version $(RELEASE_VERSION) -dist $(RELEASE_DIST) -o plugins/mlexp.yaml
	@echo "plugins/mlexp.yaml: regenerated for $(RELEASE_VERSION); commit it"

## krew-manifest-check: validate plugins/mlexp.yaml against krew.yaml; rebuild and compare sha256 when it is current
krew-manifest-check:
	go run ./hack/release check $(KREW_CHECK_FLAGS)

## krew-test: build the linux archive, build krew from sigs.k8s.io/krew, install the plugin through krew offline, run it
krew-test:
	bash hack/krew-test.sh

## release-snapshot: goreleaser build of every archive into dist/ (no publishing), checked byte for byte against hack/release's
release-snapshot:
	env $$(go run ./hack/release source) $(GORELEASER) release --snapshot --clean
	@tag=$$(sed -n 's/.*"tag":"\([^"]*\)".*/\1/p' dist/metadata.json) && \
	go run ./hack/release build -version $$tag -dist dist/hack-release >/dev/null && \
	diff dist/checksums.txt dist/hack-release/checksums.txt && \
	echo "goreleaser and hack/release built the same archives for $$tag (dist/checksums.txt)"

## release: publish the tagged release with goreleaser (GITHUB_TOKEN), then verify its archives are the ones plugins/mlexp.yaml names
release:
	go run ./hack/release check -strict
	env $$(go run ./hack/release source) $(GORELEASER) release --clean
	go run ./hack/release check -dist dist
