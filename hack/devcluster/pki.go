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

// Names of the certificates the tool itself uses.
const (
	adminCertName   = "admin"
	etcdClientName  = "apiserver-etcd-client"
	loopbackAddress = "127.0.0.1"
)

// adminKubeconfig is the cluster admin's kubeconfig: the user's (KUBECONFIG) and the tool's own.
func adminKubeconfig(l Layout) Kubeconfig {
	return Kubeconfig{Path: l.Kubeconfig(), Cert: clientCert(adminCertName, adminUser, "system:masters")}
}

// clientCert is a client certificate of the cluster CA for user CN in groups orgs.
func clientCert(name, cn string, orgs ...string) CertSpec {
	return CertSpec{Name: name, Signer: caName, CN: cn, Orgs: orgs, Client: true}
}

// loopbackServing is the serving certificate of a component listening on 127.0.0.1.
func loopbackServing(name, cn string) CertSpec {
	return CertSpec{Name: name, Signer: caName, CN: cn, DNS: []string{"localhost"}, IPs: []net.IP{net.ParseIP(loopbackAddress)}, Server: true}
}

// apiClient is the kubeconfig etc/FILE.kubeconfig of a component, presenting the client
// certificate CERT for user CN in groups orgs.
func apiClient(l Layout, file, cert, cn string, orgs ...string) *Kubeconfig {
	return &Kubeconfig{Path: l.confFile(file + ".kubeconfig"), Cert: clientCert(cert, cn, orgs...)}
}

// CertSpecs lists every leaf certificate, in the order they are written: the admin's, then
// every component's (enabled or not), its kubeconfig's last.
func CertSpecs(l Layout) []CertSpec {
	specs := []CertSpec{adminKubeconfig(l).Cert}
	for _, c := range Components(l) {
		specs = append(specs, c.Certs...)
		if c.Kubeconfig != nil {
			specs = append(specs, c.Kubeconfig.Cert)
		}
	}
	return specs
}

func newKey() (*ecdsa.PrivateKey, error) { return ecdsa.GenerateKey(elliptic.P256(), rand.Reader) }

func serial() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
}

// NewCA makes a self-signed CA certificate and its key.
func NewCA(cn string, now time.Time) (*x509.Certificate, crypto.Signer, error) {
	return sign(&x509.Certificate{
		Subject:               pkix.Name{CommonName: cn},
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}, nil, nil, now)
}

// Issue signs a leaf certificate for spec with the CA.
func Issue(ca *x509.Certificate, caKey crypto.Signer, spec CertSpec, now time.Time) (*x509.Certificate, crypto.Signer, error) {
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: spec.CN, Organization: spec.Orgs},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		DNSNames:    spec.DNS,
		IPAddresses: spec.IPs,
		ExtKeyUsage: spec.usage(),
	}
	return sign(tmpl, ca, caKey, now)
}

// sign gives tmpl a new key, a serial number and the validity period, and signs it with
// the parent's key (self-signed when parent is nil).
func sign(tmpl, parent *x509.Certificate, parentKey crypto.Signer, now time.Time) (*x509.Certificate, crypto.Signer, error) {
	key, err := newKey()
	if err != nil {
		return nil, nil, err
	}
	if tmpl.SerialNumber, err = serial(); err != nil {
		return nil, nil, err
	}
	tmpl.NotBefore, tmpl.NotAfter = now.Add(-time.Hour), now.Add(certValidity)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

// usage lists the extended key usages of the spec: server, then client.
func (s CertSpec) usage() []x509.ExtKeyUsage {
	var u []x509.ExtKeyUsage
	if s.Server {
		u = append(u, x509.ExtKeyUsageServerAuth)
	}
	if s.Client {
		u = append(u, x509.ExtKeyUsageClientAuth)
	}
	return u
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

// renewBefore is how long before expiry a certificate is issued again.
const renewBefore = 30 * 24 * time.Hour

// loadPair reads NAME.crt and NAME.key and checks the key belongs to the certificate.
func loadPair(dir, name string) (*x509.Certificate, crypto.Signer, error) {
	cert, err := LoadCert(filepath.Join(dir, name+".crt"))
	if err != nil {
		return nil, nil, err
	}
	data, err := os.ReadFile(filepath.Join(dir, name+".key"))
	if err != nil {
		return nil, nil, err
	}
	b, _ := pem.Decode(data)
	if b == nil {
		return nil, nil, errors.New(name + ".key: no PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, nil, err
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, nil, errors.New(name + ".key: not a signing key")
	}
	pub, ok := signer.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(cert.PublicKey) {
		return nil, nil, errors.New(name + ".key does not match " + name + ".crt")
	}
	return cert, signer, nil
}

// fresh reports whether a certificate is valid at now and for renewBefore more.
func fresh(c *x509.Certificate, now time.Time) bool {
	return !now.Before(c.NotBefore) && now.Add(renewBefore).Before(c.NotAfter)
}

// CertMatches reports whether an existing leaf still fits its spec: signed by ca, fresh,
// same subject, names and usages. Only then is it kept.
func CertMatches(c *x509.Certificate, ca *x509.Certificate, spec CertSpec, now time.Time) bool {
	if c.CheckSignatureFrom(ca) != nil || !fresh(c, now) || c.Subject.CommonName != spec.CN {
		return false
	}
	if !equalStrings(c.Subject.Organization, spec.Orgs) || !equalStrings(c.DNSNames, spec.DNS) {
		return false
	}
	if len(c.IPAddresses) != len(spec.IPs) {
		return false
	}
	for i, ip := range spec.IPs {
		if !ip.Equal(c.IPAddresses[i]) {
			return false
		}
	}
	usage := spec.usage()
	if len(usage) != len(c.ExtKeyUsage) {
		return false
	}
	for i := range usage {
		if usage[i] != c.ExtKeyUsage[i] {
			return false
		}
	}
	return true
}

// EnsurePKI makes dir hold both CAs, every leaf of specs and the service-account key
// pair, keeping whatever exists and is still valid (so a restarted cluster keeps its
// identities and its service-account tokens); it returns the names it (re)issued. A new CA
// re-issues every leaf it signs.
func EnsurePKI(dir string, specs []CertSpec, now time.Time) ([]string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	type ca struct {
		cert *x509.Certificate
		key  crypto.Signer
		new  bool
	}
	var issued []string
	cas := map[string]ca{}
	for _, name := range []string{caName, frontProxyCA} {
		c, k, err := loadPair(dir, name)
		if err == nil && c.IsCA && fresh(c, now) {
			cas[name] = ca{c, k, false}
			continue
		}
		cn := map[string]string{caName: "mlexp-dev-ca", frontProxyCA: "mlexp-dev-front-proxy-ca"}[name]
		c, k, err = NewCA(cn, now)
		if err != nil {
			return issued, fmt.Errorf("ca %s: %w", name, err)
		}
		if err := writePair(dir, name, c, k); err != nil {
			return issued, err
		}
		cas[name] = ca{c, k, true}
		issued = append(issued, name)
	}
	for _, s := range specs {
		signer, ok := cas[s.Signer]
		if !ok {
			return issued, fmt.Errorf("cert %s: unknown signer %q", s.Name, s.Signer)
		}
		if c, _, err := loadPair(dir, s.Name); err == nil && !signer.new && CertMatches(c, signer.cert, s, now) {
			continue
		}
		c, k, err := Issue(signer.cert, signer.key, s, now)
		if err != nil {
			return issued, fmt.Errorf("cert %s: %w", s.Name, err)
		}
		if err := writePair(dir, s.Name, c, k); err != nil {
			return issued, err
		}
		issued = append(issued, s.Name)
	}
	if saKeyValid(dir) {
		return issued, nil
	}
	sa, err := newKey()
	if err != nil {
		return issued, err
	}
	kp, err := EncodeKey(sa)
	if err != nil {
		return issued, err
	}
	pub, err := EncodePublicKey(sa.Public())
	if err != nil {
		return issued, err
	}
	if err := os.WriteFile(filepath.Join(dir, serviceAcctKey+".key"), kp, 0o600); err != nil {
		return issued, err
	}
	return append(issued, serviceAcctKey), os.WriteFile(filepath.Join(dir, serviceAcctKey+".pub"), pub, 0o644)
}

// saKeyValid reports whether the service-account key pair exists and parses.
func saKeyValid(dir string) bool {
	for name, typ := range map[string]string{serviceAcctKey + ".key": "PRIVATE KEY", serviceAcctKey + ".pub": "PUBLIC KEY"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return false
		}
		if b, _ := pem.Decode(data); b == nil || b.Type != typ {
			return false
		}
	}
	return true
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
