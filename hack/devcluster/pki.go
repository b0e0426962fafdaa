package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// CertSpec describes one certificate the cluster needs.
type CertSpec struct {
	Name   string // file base name: Name.crt, Name.key
	Signer string // CA base name
	CN     string
	Orgs   []string
	DNS    []string
	IPs    []net.IP
	Server bool
	Client bool
}

const (
	caName          = "ca"
	frontProxyCA    = "front-proxy-ca"
	certValidity    = 10 * 365 * 24 * time.Hour
	serviceAcctKey  = "sa"
	adminUser       = "mlexp-admin"
	metricsUser     = "mlexp:metrics-server"
	frontProxyName  = "front-proxy-client"
	kubeletUserName = "system:node:" + NodeName
)

// firstServiceIP is the ClusterIP of the kubernetes Service: the first address of ServiceCIDR.
func firstServiceIP() net.IP {
	_, n, err := net.ParseCIDR(ServiceCIDR)
	if err != nil {
		panic(err)
	}
	ip := n.IP.To4()
	return net.IPv4(ip[0], ip[1], ip[2], ip[3]+1)
}

// CertSpecs lists every leaf certificate, in the order they are written.
func CertSpecs() []CertSpec {
	lo, node := net.ParseIP("127.0.0.1"), net.ParseIP(NodeIP)
	return []CertSpec{
		{Name: "etcd-server", Signer: caName, CN: "mlexp-etcd", DNS: []string{"localhost"}, IPs: []net.IP{lo}, Server: true, Client: true},
		{Name: "apiserver-etcd-client", Signer: caName, CN: "kube-apiserver-etcd-client", Client: true},
		{Name: "apiserver", Signer: caName, CN: "kube-apiserver", Server: true,
			DNS: []string{"localhost", NodeName, "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"},
			IPs: []net.IP{lo, node, firstServiceIP()}},
		{Name: "apiserver-kubelet-client", Signer: caName, CN: "kube-apiserver-kubelet-client", Orgs: []string{"system:masters"}, Client: true},
		{Name: frontProxyName, Signer: frontProxyCA, CN: frontProxyName, Client: true},
		{Name: "admin", Signer: caName, CN: adminUser, Orgs: []string{"system:masters"}, Client: true},
		{Name: "controller-manager", Signer: caName, CN: "system:kube-controller-manager", Client: true},
		{Name: "scheduler", Signer: caName, CN: "system:kube-scheduler", Client: true},
		{Name: "controller-manager-server", Signer: caName, CN: "kube-controller-manager", DNS: []string{"localhost"}, IPs: []net.IP{lo}, Server: true},
		{Name: "scheduler-server", Signer: caName, CN: "kube-scheduler", DNS: []string{"localhost"}, IPs: []net.IP{lo}, Server: true},
		{Name: "kubelet-client", Signer: caName, CN: kubeletUserName, Orgs: []string{"system:nodes"}, Client: true},
		{Name: "kubelet-server", Signer: caName, CN: NodeName, DNS: []string{NodeName, "localhost"}, IPs: []net.IP{node, lo}, Server: true},
		{Name: "metrics-server-client", Signer: caName, CN: metricsUser, Client: true},
		{Name: "metrics-server", Signer: caName, CN: "metrics-server", Server: true,
			DNS: []string{"metrics-server.kube-system.svc", "metrics-server.kube-system.svc.cluster.local"}, IPs: []net.IP{node}},
	}
}

func newKey() (*ecdsa.PrivateKey, error) { return ecdsa.GenerateKey(elliptic.P256(), rand.Reader) }

func serial() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
}

// NewCA makes a self-signed CA certificate and its key.
func NewCA(cn string, now time.Time) (*x509.Certificate, crypto.Signer, error) {
	key, err := newKey()
	if err != nil {
		return nil, nil, err
	}
	sn, err := serial()
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          sn,
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(certValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

// Issue signs a leaf certificate for spec with the CA.
func Issue(ca *x509.Certificate, caKey crypto.Signer, spec CertSpec, now time.Time) (*x509.Certificate, crypto.Signer, error) {
	key, err := newKey()
	if err != nil {
		return nil, nil, err
	}
	sn, err := serial()
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: sn,
		Subject:      pkix.Name{CommonName: spec.CN, Organization: spec.Orgs},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(certValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		DNSNames:     spec.DNS,
		IPAddresses:  spec.IPs,
	}
	if spec.Server {
		tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageServerAuth)
	}
	if spec.Client {
		tmpl.ExtKeyUsage = append(tmpl.ExtKeyUsage, x509.ExtKeyUsageClientAuth)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

// EncodeCert returns the PEM form of a certificate.
func EncodeCert(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// EncodeKey returns the PEM (PKCS#8) form of a private key.
func EncodeKey(k crypto.Signer) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// EncodePublicKey returns the PEM (PKIX) form of a public key.
func EncodePublicKey(k crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

func writePair(dir, name string, cert *x509.Certificate, key crypto.Signer) error {
	kp, err := EncodeKey(key)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, name+".key"), kp, 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name+".crt"), EncodeCert(cert), 0o644)
}

// GeneratePKI writes both CAs, every leaf of CertSpecs and the service-account key pair
// into dir. It regenerates everything: certificates are cheap (ECDSA P-256).
func GeneratePKI(dir string, now time.Time) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	type ca struct {
		cert *x509.Certificate
		key  crypto.Signer
	}
	cas := map[string]ca{}
	for name, cn := range map[string]string{caName: "mlexp-dev-ca", frontProxyCA: "mlexp-dev-front-proxy-ca"} {
		c, k, err := NewCA(cn, now)
		if err != nil {
			return fmt.Errorf("ca %s: %w", name, err)
		}
		if err := writePair(dir, name, c, k); err != nil {
			return err
		}
		cas[name] = ca{c, k}
	}
	for _, s := range CertSpecs() {
		signer, ok := cas[s.Signer]
		if !ok {
			return fmt.Errorf("cert %s: unknown signer %q", s.Name, s.Signer)
		}
		c, k, err := Issue(signer.cert, signer.key, s, now)
		if err != nil {
			return fmt.Errorf("cert %s: %w", s.Name, err)
		}
		if err := writePair(dir, s.Name, c, k); err != nil {
			return err
		}
	}
	sa, err := newKey()
	if err != nil {
		return err
	}
	kp, err := EncodeKey(sa)
	if err != nil {
		return err
	}
	pub, err := EncodePublicKey(sa.Public())
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, serviceAcctKey+".key"), kp, 0o600); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, serviceAcctKey+".pub"), pub, 0o644)
}

// LoadCert reads a PEM certificate file.
func LoadCert(path string) (*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	b, _ := pem.Decode(data)
	if b == nil || b.Type != "CERTIFICATE" {
		return nil, errors.New(path + ": no certificate")
	}
	return x509.ParseCertificate(b.Bytes)
}
