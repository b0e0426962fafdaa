package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Stamp fingerprints what the component runs with: its command line, its config files and
// the cluster PKI it trusts. A running component whose stamp differs is restarted by up.
func (c Component) Stamp(pki []byte) string {
	h := sha256.New()
	fmt.Fprintln(h, strings.Join(c.Command(), "\x00"))
	paths := make([]string, 0, len(c.Files))
	for p := range c.Files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		fmt.Fprintf(h, "%s\x00%s\x00", p, c.Files[p])
	}
	h.Write(pki)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// pkiFingerprint hashes every certificate of the PKI: part of every component's stamp, so
// a re-issued certificate restarts the components.
func pkiFingerprint(l Layout) []byte {
	paths, _ := filepath.Glob(filepath.Join(l.PKIDir(), "*.crt"))
	sort.Strings(paths)
	h := sha256.New()
	for _, p := range paths {
		data, _ := os.ReadFile(p)
		fmt.Fprintf(h, "%s\x00", filepath.Base(p))
		h.Write(data)
	}
	return h.Sum(nil)
}

// stamps computes the stamp of every enabled component.
func stamps(l Layout, comps []Component) map[string]string {
	fp := pkiFingerprint(l)
	out := map[string]string{}
	for _, c := range comps {
		if c.Enabled {
			out[c.Name] = c.Stamp(fp)
		}
	}
	return out
}
