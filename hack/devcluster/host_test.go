package main

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSysctls(t *testing.T) {
	got := parseSysctls("vm.overcommit_memory=0\nkernel.panic = 0\n\nbad\n=x\n")
	want := map[string]string{"vm.overcommit_memory": "0", "kernel.panic": "0"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parseSysctls (-want +got):\n%s", diff)
	}
}

func TestSysctlPath(t *testing.T) {
	if got := sysctlPath("kernel.keys.root_maxkeys"); got != "/proc/sys/kernel/keys/root_maxkeys" {
		t.Errorf("sysctlPath = %s", got)
	}
}

func TestParseStat(t *testing.T) {
	line := "4242 (kube apiserver) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 6 0 0 20 0 12 0 987654 123456 789 18446744073709551615"
	state, start, err := parseStat(line)
	if err != nil || state != 'S' || start != 987654 {
		t.Errorf("parseStat = %c %d %v", state, start, err)
	}
	if _, _, err := parseStat("garbage"); err == nil {
		t.Error("want an error for garbage")
	}
}

func TestPidRecordNeverMatchesInit(t *testing.T) {
	for _, rec := range []PidRecord{{Pid: 0}, {Pid: 1}, {Pid: -5}} {
		if rec.Matches() {
			t.Errorf("%+v matches", rec)
		}
	}
}

func TestParseNode(t *testing.T) {
	node := map[string]any{"status": map[string]any{
		"conditions":  []any{map[string]any{"type": "MemoryPressure", "status": "False"}, map[string]any{"type": "Ready", "status": "True", "reason": "KubeletReady"}},
		"addresses":   []any{map[string]any{"type": "Hostname", "address": "mlexp-dev"}, map[string]any{"type": "InternalIP", "address": NodeIP}},
		"allocatable": map[string]any{"cpu": "2", "memory": "24000Mi"},
		"nodeInfo":    map[string]any{"kubeletVersion": "v1.37.2"},
	}}
	data, _ := json.Marshal(node)
	got, err := ParseNode(data)
	if err != nil {
		t.Fatal(err)
	}
	want := NodeInfo{Ready: true, Reason: "KubeletReady", Address: NodeIP, CPU: "2", Memory: "24000Mi", Version: "v1.37.2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseNode (-want +got):\n%s", diff)
	}
}
