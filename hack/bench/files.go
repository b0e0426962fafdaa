package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ToolboxImage is the busybox image the dev cluster always has.
const ToolboxImage = "localhost/mlexp/toolbox:dev"

// Placement says where an experiment's trials go.
type Placement int

const (
	// Suspended trials are Jobs with suspend: true: the API server and the
	// plugin do all their work and no pod is made, so writes are measured
	// without the Job controller and scheduler competing for the 2 cores.
	Suspended Placement = iota
	// Simulated trials tolerate the fake nodes' taint and select them, so
	// KWOK runs their pods.
	Simulated
	// Real trials run on the real node (the logs comparison).
	Real
)

// Shape is the parameter space of a bench experiment: Parts x PerPart
// trials, so that `--param-selector part=0` or the label part=p0 picks a
// sample of PerPart trials.
type Shape struct {
	Parts, PerPart int
}

// ShapeFor returns the shape of n trials with samples of sample trials.
func ShapeFor(n, sample int) (Shape, error) {
	if n < 1 {
		return Shape{}, fmt.Errorf("-n: want at least 1 trial, got %d", n)
	}
	per := min(n, sample)
	if n%per != 0 {
		return Shape{}, fmt.Errorf("-n: %d is not a multiple of the sample size %d (-sample)", n, per)
	}
	return Shape{Parts: n / per, PerPart: per}, nil
}

// Trials returns the number of trials.
func (s Shape) Trials() int { return s.Parts * s.PerPart }

// SimulatedNodes says how trials find the fake nodes.
type SimulatedNodes struct {
	// Selector is the nodeSelector of the fake nodes, e.g. type=kwok.
	Selector map[string]string
	// TaintKey is the key of the NoSchedule taint trials tolerate.
	TaintKey string
}

// KWOK's annotations on a pod: how long it runs (its pod-complete stage's
// delay) and the usage metrics-server reports for it.
const (
	kwokDelay       = "pod-complete.stage.kwok.x-k8s.io/delay"
	kwokUsageCPU    = "kwok.x-k8s.io/usage-cpu"
	kwokUsageMemory = "kwok.x-k8s.io/usage-memory"
)

// Simulated trials run for shortRun, except the part RunningPart, whose
// trials run for longRun: they are still running while top measures.
const (
	shortRun    = "2s"
	longRun     = "2h"
	RunningPart = 0
)

// ExperimentFile returns an experiment file of shape s named name.
// Simulated trials get a third axis, run, that only sets KWOK's delay:
// two exclude rules keep the long run for part RunningPart alone, so the
// file still has s.Trials() trials.
func ExperimentFile(name string, s Shape, p Placement, nodes SimulatedNodes, script string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `apiVersion: mlexp.dev/v1alpha1
kind: Experiment
metadata:
  name: %s
spec:
  parameters:
    grid:
      part: [%s]
      i: [%s]
`, name, seq(0, s.Parts), seq(0, s.PerPart))
	if p == Simulated {
		fmt.Fprintf(&b, `      run: [%s, %s]
    exclude:
    - {part: %d, run: %s}
    - {part: [%s], run: %s}
`, shortRun, longRun, RunningPart, shortRun, seq(1, s.Parts), longRun)
	}
	b.WriteString(`  template:
    metadata:
      labels: {bench-part: "p${part}"}
    spec:
`)
	if p == Suspended {
		b.WriteString("      suspend: true\n")
	}
	b.WriteString(`      template:
        metadata:
          labels: {bench-part: "p${part}"}
`)
	if p == Simulated {
		fmt.Fprintf(&b, `          annotations: {%s: "${run}", %s: 250m, %s: 300Mi}
`, kwokDelay, kwokUsageCPU, kwokUsageMemory)
	}
	b.WriteString(`        spec:
          terminationGracePeriodSeconds: 1
`)
	if p == Simulated {
		b.WriteString("          nodeSelector:\n")
		for k, v := range nodes.Selector {
			fmt.Fprintf(&b, "            %s: %q\n", k, v)
		}
		fmt.Fprintf(&b, `          tolerations:
          - {key: %q, operator: Exists, effect: NoSchedule}
`, nodes.TaintKey)
	}
	fmt.Fprintf(&b, `          containers:
          - name: ml
            image: %s
            imagePullPolicy: Never
            command: [sh, -c]
            args: [%q]
            resources:
              requests: {cpu: 10m, memory: 16Mi}
              limits: {cpu: 200m, memory: 32Mi}
`, ToolboxImage, script)
	return b.String()
}

// seq returns "from, from+1, ..., to-1".
func seq(from, to int) string {
	vals := make([]string, 0, to-from)
	for i := from; i < to; i++ {
		vals = append(vals, fmt.Sprint(i))
	}
	return strings.Join(vals, ", ")
}

// writeFile writes content to dir/name and returns the path.
func writeFile(dir, name, content string) (string, error) {
	p := filepath.Join(dir, name)
	return p, os.WriteFile(p, []byte(content), 0o644)
}
