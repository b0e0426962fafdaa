package main

import (
	"crypto/x509"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestGeneratePKI(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if _, err := EnsurePKI(dir, CertSpecs(testLayout()), now); err != nil {
		t.Fatal(err)
	}
	pool := func(name string) *x509.CertPool {
		c, err := LoadCert(filepath.Join(dir, name+".crt"))
		if err != nil {
			t.Fatal(err)
		}
		p := x509.NewCertPool()
		p.AddCert(c)
		return p
	}
	tests := []struct {
		name   string
		signer string
		cn     string
		orgs   []string
		dns    []string
		ips    []string
		usage  []x509.ExtKeyUsage
	}{
		{name: "apiserver", signer: caName, cn: "kube-apiserver",
			dns:   []string{"localhost", NodeName, "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"},
			ips:   []string{"127.0.0.1", NodeIP, "10.217.128.1"},
			usage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}},
		{name: "admin", signer: caName, cn: adminUser, orgs: []string{"system:masters"},
			usage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}},
		{name: "kubelet-client", signer: caName, cn: "system:node:" + NodeName, orgs: []string{"system:nodes"},
			usage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}},
		{name: "kubelet-server", signer: caName, cn: NodeName, dns: []string{NodeName, "localhost"},
			ips: []string{NodeIP, "127.0.0.1"}, usage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}},
		{name: "front-proxy-client", signer: frontProxyCA, cn: "front-proxy-client",
			usage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}},
		{name: "etcd-server", signer: caName, cn: "mlexp-etcd", dns: []string{"localhost"}, ips: []string{"127.0.0.1"},
			usage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}},
		{name: "metrics-server", signer: caName, cn: "metrics-server",
			dns:   []string{"metrics-server.kube-system.svc", "metrics-server.kube-system.svc.cluster.local"},
			ips:   []string{NodeIP},
			usage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := LoadCert(filepath.Join(dir, tt.name+".crt"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Verify(x509.VerifyOptions{Roots: pool(tt.signer), KeyUsages: tt.usage, CurrentTime: now}); err != nil {
				t.Errorf("verify: %v", err)
			}
			var ips []string
			for _, ip := range c.IPAddresses {
				ips = append(ips, ip.String())
			}
			got := []any{c.Subject.CommonName, c.Subject.Organization, c.DNSNames, ips, c.ExtKeyUsage}
			want := []any{tt.cn, tt.orgs, tt.dns, tt.ips, tt.usage}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("cert (-want +got):\n%s", diff)
			}
			if fi, err := os.Stat(filepath.Join(dir, tt.name+".key")); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("key file: %v %v", fi.Mode(), err)
			}
		})
	}
}

func TestFirstServiceIP(t *testing.T) {
	if got := firstServiceIP(); !got.Equal(net.ParseIP("10.217.128.1")) {
		t.Errorf("firstServiceIP() = %s", got)
	}
}

func TestGeneratePKIServiceAccountKey(t *testing.T) {
	dir := t.TempDir()
	if _, err := EnsurePKI(dir, CertSpecs(testLayout()), time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"sa.key", "sa.pub", "ca.crt", "ca.key", "front-proxy-ca.crt"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}

// readAll reads every file of the PKI dir.
func readAll(t *testing.T, dir string) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range ents {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(data)
	}
	return out
}

// TestEnsurePKIKeepsValidCerts: a second up keeps every certificate and key (a restarted
// cluster keeps its identities and service-account tokens) and re-issues only what is
// missing, about to expire or no longer fits its spec.
func TestEnsurePKIKeepsValidCerts(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	issued, err := EnsurePKI(dir, CertSpecs(testLayout()), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(issued) != len(CertSpecs(testLayout()))+3 {
		t.Errorf("first run issued %d, want every cert, both CAs and the SA key", len(issued))
	}
	before := readAll(t, dir)
	issued, err = EnsurePKI(dir, CertSpecs(testLayout()), now.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(issued) != 0 {
		t.Errorf("second run issued %v, want nothing", issued)
	}
	if diff := cmp.Diff(before, readAll(t, dir)); diff != "" {
		t.Errorf("second run changed files (-before +after):\n%s", diff)
	}

	if err := os.Remove(filepath.Join(dir, "admin.crt")); err != nil {
		t.Fatal(err)
	}
	other, otherKey, err := NewCA("x", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := writePair(dir, "scheduler", other, otherKey); err != nil { // wrong subject and signer
		t.Fatal(err)
	}
	issued, err = EnsurePKI(dir, CertSpecs(testLayout()), now)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"admin", "scheduler"}, issued); diff != "" {
		t.Errorf("re-issued (-want +got):\n%s", diff)
	}
	after := readAll(t, dir)
	for _, f := range []string{"ca.crt", "ca.key", "sa.key", "sa.pub", "apiserver.crt", "kubelet-server.key"} {
		if before[f] != after[f] {
			t.Errorf("%s changed", f)
		}
	}

	// Close to expiry, every leaf is issued again by the (still valid) CA.
	late := now.Add(certValidity - 10*24*time.Hour)
	issued, err = EnsurePKI(dir, CertSpecs(testLayout()), late)
	if err != nil {
		t.Fatal(err)
	}
	if len(issued) < len(CertSpecs(testLayout())) {
		t.Errorf("near expiry issued %d, want every leaf (%v)", len(issued), issued)
	}

	// A new CA re-issues every leaf, but the SA key is kept.
	if err := os.Remove(filepath.Join(dir, "ca.key")); err != nil {
		t.Fatal(err)
	}
	sa := readAll(t, dir)["sa.key"]
	if _, err := EnsurePKI(dir, CertSpecs(testLayout()), now); err != nil {
		t.Fatal(err)
	}
	final := readAll(t, dir)
	if final["sa.key"] != sa {
		t.Error("the service-account key changed with the CA")
	}
	ca, err := LoadCert(filepath.Join(dir, "ca.crt"))
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := LoadCert(filepath.Join(dir, "apiserver.crt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := leaf.CheckSignatureFrom(ca); err != nil {
		t.Errorf("apiserver.crt not re-issued by the new CA: %v", err)
	}
}
