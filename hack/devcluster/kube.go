package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"time"
)

// client talks TLS to our components as the admin (or another cert of the PKI).
type client struct {
	http *http.Client
}

// newClient builds an HTTP client trusting our CA and presenting certName.crt/key.
func newClient(l Layout, certName string) (*client, error) {
	caPEM, err := os.ReadFile(l.pkiFile("ca.crt"))
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	cert, err := tls.LoadX509KeyPair(l.pkiFile(certName+".crt"), l.pkiFile(certName+".key"))
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}},
		DisableKeepAlives: true,
	}
	return &client{http: &http.Client{Transport: tr, Timeout: 5 * time.Second}}, nil
}

// get returns status and body of a GET.
func (c *client) get(url string) (int, []byte, error) {
	resp, err := c.http.Get(url)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	return resp.StatusCode, body, err
}

// ok reports whether GET url answers 200.
func (c *client) ok(url string) error {
	code, body, err := c.get(url)
	if err != nil {
		return err
	}
	if code != http.StatusOK {
		return fmt.Errorf("%s: %d %s", url, code, strings.TrimSpace(string(body)))
	}
	return nil
}

func apiURL(path string) string { return APIServerURL() + path }

// NodeInfo is what status and up need to know about the node.
type NodeInfo struct {
	Ready       bool
	Reason      string
	Address     string
	CPU, Memory string
	Version     string
}

// ParseNode extracts readiness, address and allocatable from a Node JSON object.
func ParseNode(data []byte) (NodeInfo, error) {
	var n struct {
		Status struct {
			Conditions  []struct{ Type, Status, Reason, Message string }
			Addresses   []struct{ Type, Address string }
			Allocatable map[string]string
			NodeInfo    struct {
				KubeletVersion string
			}
		}
	}
	if err := json.Unmarshal(data, &n); err != nil {
		return NodeInfo{}, err
	}
	info := NodeInfo{CPU: n.Status.Allocatable["cpu"], Memory: n.Status.Allocatable["memory"], Version: n.Status.NodeInfo.KubeletVersion}
	for _, c := range n.Status.Conditions {
		if c.Type == "Ready" {
			info.Ready = c.Status == "True"
			info.Reason = strings.TrimSpace(c.Reason + " " + c.Message)
		}
	}
	for _, a := range n.Status.Addresses {
		if a.Type == "InternalIP" {
			info.Address = a.Address
		}
	}
	return info, nil
}

// node reads a node through the API server.
func (c *client) node(name string) (NodeInfo, error) {
	code, body, err := c.get(apiURL("/api/v1/nodes/" + name))
	if err != nil {
		return NodeInfo{}, err
	}
	if code != http.StatusOK {
		return NodeInfo{}, fmt.Errorf("node %s: %d", name, code)
	}
	return ParseNode(body)
}

// readyNodes counts the nodes matching a label selector and those of them that are Ready.
func (c *client) readyNodes(selector string) (ready, total int, err error) {
	code, body, err := c.get(apiURL("/api/v1/nodes?labelSelector=" + url.QueryEscape(selector)))
	if err != nil {
		return 0, 0, err
	}
	if code != http.StatusOK {
		return 0, 0, fmt.Errorf("list nodes: %d", code)
	}
	var list struct{ Items []json.RawMessage }
	if err := json.Unmarshal(body, &list); err != nil {
		return 0, 0, err
	}
	for _, item := range list.Items {
		if n, err := ParseNode(item); err == nil && n.Ready {
			ready++
		}
	}
	return ready, len(list.Items), nil
}

// nodeMetrics reports whether metrics.k8s.io serves a sample for our node.
func (c *client) nodeMetrics() error {
	code, body, err := c.get(apiURL("/apis/metrics.k8s.io/v1beta1/nodes/" + NodeName))
	if err != nil {
		return err
	}
	if code != http.StatusOK {
		return fmt.Errorf("metrics.k8s.io: %d %s", code, strings.TrimSpace(string(body)))
	}
	return nil
}

// kubectl runs the dev kubectl with the admin kubeconfig.
func kubectl(l Layout, stdin string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, l.KubeBin("kubectl"), append([]string{"--kubeconfig", l.Kubeconfig()}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("kubectl %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}

// waitFor polls check until it succeeds, the component exits or the timeout passes; on
// failure it prints the end of the component's log.
func waitFor(l Layout, what, comp string, timeout time.Duration, check func() error) error {
	deadline := time.Now().Add(timeout)
	var last error
	for {
		if last = check(); last == nil {
			return nil
		}
		if comp != "" {
			if exited, err := Exited(comp); exited {
				tailLog(l.Log(comp), 40)
				return fmt.Errorf("%s exited while waiting for %s: %v (log %s)", comp, what, err, l.Log(comp))
			}
		}
		if time.Now().After(deadline) {
			if comp != "" {
				tailLog(l.Log(comp), 40)
			}
			return fmt.Errorf("timed out after %s waiting for %s: %v (log %s)", timeout, what, last, l.Log(comp))
		}
		time.Sleep(500 * time.Millisecond)
	}
}
