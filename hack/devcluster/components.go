package main

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Component is one long-running process of the cluster: how it is built, how it runs, the
// certificates and kubeconfig it needs, how its health is checked, what it sets up around
// its start, what status and up say about it, and what it leaves on the host. Everything
// the tool does per component (PKI, kubeconfigs, builds, plan, start, status, stop, cleanup)
// reads these fields: adding a component is adding one entry to registry.
type Component struct {
	Name string
	// Enabled says whether this cluster runs it (optional components follow the environment).
	Enabled bool
	// Version is the release it runs, shown by status; "" for the Kubernetes binaries (they
	// run the layout's KubeVersion, shown once) and for binaries of Debian packages.
	Version string
	// Build makes the binary; nil for a binary that comes from a Debian package (Packages).
	Build *Build
	// Bin is the binary and Args its flags.
	Bin  string
	Args []string
	// Files are the config files (path -> content) written before every start; they are part
	// of the component's stamp, so a changed file restarts it.
	Files map[string]string
	// Certs are the certificates it serves with or presents besides its kubeconfig's,
	// issued by up from the cluster's CAs as pki/NAME.crt and pki/NAME.key (for every
	// component, enabled or not: turning one on issues nothing and restarts nothing).
	Certs []CertSpec
	// Kubeconfig is how it reaches the API server; nil if it does not.
	Kubeconfig *Kubeconfig
	// Health answers nil once the component serves; HealthTimeout bounds the wait.
	Health        func(*Env) error
	HealthTimeout time.Duration
	// PreStart runs before the process starts (e.g. apply the CRDs it needs), PostStart once it
	// is healthy (e.g. create the objects it serves). Both must be idempotent.
	PreStart, PostStart func(*Env) error
	// Summary is the line up prints about what it offers once the cluster is up ("" for none).
	Summary string
	// Status checks what it serves beyond its process (the node, an API, fake nodes) for the
	// status command: one line, and whether all is well. Nil when the process is all.
	Status func(*Env) (line string, ok bool)
	// HostPaths are paths outside the state dir the component needs; down removes them.
	HostPaths []string
	// StopPhase orders stopping: higher phases stop first, one phase at a time, the members
	// of a phase at once (clients of the API server, then the control plane, etcd, containerd).
	StopPhase   int
	StopTimeout time.Duration
}

// Kubeconfig is a component's access to the API server: the kubeconfig file up writes and
// the client certificate its user presents (the certificate's name is the user's name).
type Kubeconfig struct {
	Path string
	Cert CertSpec
}

// Build says how a binary is built from a Go module at a pinned version.
type Build struct {
	// Key names the cache dir under bin/ (e.g. "kwok-v0.8.0"): one build per key.
	Key string
	// Module and Version are what the generated build module requires.
	Module, Version string
	// Pkgs are the packages built (the module's tools); Main, if set, is the source of a
	// main package of the build module itself, built instead (etcd has no command package).
	Pkgs []string
	Main string
	// LDFlags stamp versions into the binaries.
	LDFlags string
	// Outputs are the binary names the build produces in the cache dir.
	Outputs []string
	// Files are more files copied from the module's source into the cache dir after the
	// build (source dir relative to the module root -> dest dir), e.g. Kueue's CRDs.
	Files map[string]string
	// Custom replaces the generic build (k8s.io/kubernetes needs a generated go.mod).
	Custom func(Layout, Build) error
}

// Dir is where the build's outputs are cached.
func (b Build) Dir(l Layout) string { return l.join("bin", b.Key) }

// Command is the full argv of the component.
func (c Component) Command() []string { return append([]string{c.Bin}, c.Args...) }

// registry is the table of the cluster's components in start order, enabled or not: each
// entry makes one component for a layout (its constructor lives in the component's file).
var registry = []func(Layout) Component{
	containerdComponent,
	etcdComponent,
	apiserverComponent,
	controllerManagerComponent,
	schedulerComponent,
	kubeletComponent,
	metricsServerComponent,
	kwokComponent,
	kueueComponent,
}

// Components lists every component the tool knows, in start order, enabled or not.
func Components(l Layout) []Component {
	out := make([]Component, 0, len(registry))
	for _, newComponent := range registry {
		out = append(out, newComponent(l))
	}
	return out
}

// Enabled lists the components this cluster runs, in start order.
func Enabled(l Layout) []Component {
	var out []Component
	for _, c := range Components(l) {
		if c.Enabled {
			out = append(out, c)
		}
	}
	return out
}

// component finds a component by name.
func component(l Layout, name string) (Component, bool) {
	for _, c := range Components(l) {
		if c.Name == name {
			return c, true
		}
	}
	return Component{}, false
}

// componentNames lists every component name, for messages.
func componentNames(l Layout) string {
	var names []string
	for _, c := range Components(l) {
		names = append(names, c.Name)
	}
	return strings.Join(names, ", ")
}

// Builds lists the builds the enabled components need, once each, plus the pause image's.
func Builds(l Layout) []Build {
	seen := map[string]bool{}
	out := []Build{pauseBuild()}
	seen[out[0].Key] = true
	for _, c := range Enabled(l) {
		if c.Build != nil && !seen[c.Build.Key] {
			seen[c.Build.Key] = true
			out = append(out, *c.Build)
		}
	}
	return out
}

// versions says what the cluster runs: the Kubernetes release, then every component's own.
func versions(l Layout, comps []Component) string {
	parts := []string{"Kubernetes " + l.KubeVersion}
	for _, c := range comps {
		if c.Version != "" {
			parts = append(parts, c.Name+" "+c.Version)
		}
	}
	return strings.Join(parts, ", ")
}

// writeFiles writes the component's config files, creating their dirs.
func (c Component) writeFiles() error {
	for p, content := range c.Files {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if old, err := os.ReadFile(p); err == nil && string(old) == content {
			continue
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			return err
		}
	}
	return nil
}
