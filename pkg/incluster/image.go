package incluster

import (
	"strings"

	"github.com/mlexp/kubectl-mlexp/pkg/version"
)

// ReleaseRepository is where the release publishes the plugin's image
// (.goreleaser.yaml, kos), tagged with the release's version.
const ReleaseRepository = "ghcr.io/mlexp/kubectl-mlexp"

// DevImage is the image `make plugin-image` builds from the working tree
// into the dev cluster: what a development build's driver runs.
const DevImage = "localhost/mlexp/kubectl-mlexp:dev"

// DefaultImage returns the image of the plugin at version v: the
// release's image of that version, or DevImage for a development build.
func DefaultImage(v string) string {
	if v == "" || v == "dev" || strings.HasSuffix(v, "-dev") {
		return DevImage
	}
	return ReleaseRepository + ":" + v
}

// Image returns the default driver image of this build of the plugin.
func Image() string { return DefaultImage(version.Version) }
