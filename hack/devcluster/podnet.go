package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// How pods reach the API server without kube-proxy and without forwarding: the CNI bridge
// holds PodGateway, pods get one route (ServiceCIDR via PodGateway) and no default route,
// and a DNAT rule in our own nat chain sends the kubernetes Service's ClusterIP:443 to the
// API server on 127.0.0.1 (route_localnet on the bridge lets a packet that came in on it be
// delivered to a loopback address). Nothing else leaves a pod: ip_forward is left as found.
const (
	// PodGateway is the CNI bridge's address, the next hop of the pods' service route.
	PodGateway = "10.217.64.1"
	// ServiceNATChain is the nat chain that holds the DNAT of the kubernetes Service.
	ServiceNATChain = "MLEXP-DEV-SERVICES"
	// APIServicePort is the kubernetes Service's port.
	APIServicePort = 443
)

// podGatewayPrefix is PodGateway with PodCIDR's prefix length.
func podGatewayPrefix() string {
	_, n, err := net.ParseCIDR(PodCIDR)
	if err != nil {
		panic(err)
	}
	ones, _ := n.Mask.Size()
	return fmt.Sprintf("%s/%d", PodGateway, ones)
}

// ServiceNATRules are the rules of ServiceNATChain, as iptables arguments after "-A CHAIN".
func ServiceNATRules() [][]string {
	return [][]string{{
		"-d", firstServiceIP().String() + "/32", "-p", "tcp", "--dport", fmt.Sprint(APIServicePort),
		"-j", "DNAT", "--to-destination", fmt.Sprintf("127.0.0.1:%d", APIServerPort),
	}}
}

// serviceJump is the PREROUTING rule that sends what comes in on the CNI bridge to our chain.
func serviceJump() []string {
	return []string{"PREROUTING", "-i", CNIBridge, "-j", ServiceNATChain}
}

func iptables(args ...string) error {
	return run("iptables", append([]string{"-w", "-t", "nat"}, args...)...)
}

// iptablesHas reports whether the nat table has the rule (iptables -C exits 0).
func iptablesHas(args ...string) bool {
	return exec.Command("iptables", append([]string{"-w", "-t", "nat", "-C"}, args...)...).Run() == nil
}

// serviceChainExists reports whether the nat table has ServiceNATChain.
func serviceChainExists() bool {
	return exec.Command("iptables", "-w", "-t", "nat", "-n", "-L", ServiceNATChain).Run() == nil
}

// ensurePodNetwork makes the CNI bridge with PodGateway, lets it deliver to loopback and
// (re)writes the service chain; idempotent, so an up after a killed run repairs it.
func ensurePodNetwork() error {
	if !linkExists(CNIBridge) {
		if err := run("ip", "link", "add", CNIBridge, "type", "bridge"); err != nil {
			return err
		}
	}
	if err := run("ip", "addr", "replace", podGatewayPrefix(), "dev", CNIBridge); err != nil {
		return err
	}
	if err := run("ip", "link", "set", CNIBridge, "up"); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join("/proc/sys/net/ipv4/conf", CNIBridge, "route_localnet"), []byte("1"), 0o644); err != nil {
		return err
	}
	if !serviceChainExists() {
		if err := iptables("-N", ServiceNATChain); err != nil {
			return err
		}
	}
	if err := iptables("-F", ServiceNATChain); err != nil {
		return err
	}
	for _, r := range ServiceNATRules() {
		if err := iptables(append([]string{"-A", ServiceNATChain}, r...)...); err != nil {
			return err
		}
	}
	if !iptablesHas(serviceJump()...) {
		return iptables(append([]string{"-A"}, serviceJump()...)...)
	}
	return nil
}

// deleteServiceNAT removes the PREROUTING jump (every copy) and the chain; absent is fine.
func deleteServiceNAT() error {
	if _, err := exec.LookPath("iptables"); err != nil {
		return nil
	}
	for iptablesHas(serviceJump()...) {
		if err := iptables(append([]string{"-D"}, serviceJump()...)...); err != nil {
			return err
		}
	}
	if !serviceChainExists() {
		return nil
	}
	if err := iptables("-F", ServiceNATChain); err != nil {
		return err
	}
	if err := iptables("-X", ServiceNATChain); err != nil && !strings.Contains(err.Error(), "No chain") {
		return err
	}
	return nil
}
