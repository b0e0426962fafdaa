// Package version holds the plugin's build identity, set at link time by
// -ldflags "-X github.com/mlexp/kubectl-mlexp/pkg/version.Version=v1.2.3".
package version

import "runtime/debug"

var (
	// Version is the release tag, "v0.0.0-dev" for a local build.
	Version = "v0.0.0-dev"
	// Commit is the git commit the binary was built from.
	Commit = ""
	// Date is the build date in RFC 3339.
	Date = ""
)

// Info is the build identity as printed by `kubectl mlexp version -o json`.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit,omitempty"`
	Date      string `json:"date,omitempty"`
	GoVersion string `json:"goVersion"`
}

// Get returns the build identity, filling the commit from the Go build info
// when the linker did not set it.
func Get() Info {
	info := Info{Version: Version, Commit: Commit, Date: Date}
	if bi, ok := debug.ReadBuildInfo(); ok {
		info.GoVersion = bi.GoVersion
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && info.Commit == "":
				info.Commit = s.Value
			case s.Key == "vcs.time" && info.Date == "":
				info.Date = s.Value
			}
		}
	}
	return info
}
