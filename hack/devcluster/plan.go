package main

import (
	"fmt"
	"strings"
)

// Action is what up does with one component.
type Action int

const (
	// ActKeep leaves a running component alone.
	ActKeep Action = iota
	// ActStart starts a component that does not run.
	ActStart
	// ActRestart stops and starts a component whose stamp changed.
	ActRestart
	// ActStop stops a running component that is no longer enabled.
	ActStop
	// ActSkip is a disabled component that does not run.
	ActSkip
)

func (a Action) String() string {
	return [...]string{"keep", "start", "restart", "stop", "skip"}[a]
}

// Observed is what up finds of one component.
type Observed struct {
	Running bool
	// Stamp is the stamp recorded when the running process was started ("" if unknown).
	Stamp string
}

// Step is the action for one component.
type Step struct {
	Name   string
	Action Action
}

// Plan is what up does: one step per component in start order, and whether the cluster is
// to be recovered (no process of it runs: clean what a reboot or a kill left, keep the data).
type Plan struct {
	Steps   []Step
	Recover bool
}

// Idle reports whether the plan changes nothing.
func (p Plan) Idle() bool {
	for _, s := range p.Steps {
		if s.Action != ActKeep && s.Action != ActSkip {
			return false
		}
	}
	return true
}

// Names lists the components whose step is one of actions.
func (p Plan) Names(actions ...Action) []string {
	var out []string
	for _, s := range p.Steps {
		for _, a := range actions {
			if s.Action == a {
				out = append(out, s.Name)
			}
		}
	}
	return out
}

// Action returns the step of a component (ActSkip if unknown).
func (p Plan) Action(name string) Action {
	for _, s := range p.Steps {
		if s.Name == name {
			return s.Action
		}
	}
	return ActSkip
}

// String summarises the plan for a progress line.
func (p Plan) String() string {
	var parts []string
	for _, a := range []Action{ActStart, ActRestart, ActStop, ActKeep} {
		if names := p.Names(a); len(names) > 0 {
			parts = append(parts, fmt.Sprintf("%s [%s]", a, strings.Join(names, " ")))
		}
	}
	return strings.Join(parts, ", ")
}

// Decide computes what up does from what runs: start what is missing, restart what runs with
// another stamp (changed flags, configs or certificates), stop what is no longer enabled, and
// leave the rest alone. want holds the stamp of every enabled component. Nothing here
// removes data: that only down does.
func Decide(comps []Component, want map[string]string, obs map[string]Observed) Plan {
	var p Plan
	any := false
	for _, c := range comps {
		o := obs[c.Name]
		any = any || o.Running
		a := ActKeep
		switch {
		case !c.Enabled && o.Running:
			a = ActStop
		case !c.Enabled:
			a = ActSkip
		case !o.Running:
			a = ActStart
		case o.Stamp != want[c.Name]:
			a = ActRestart
		}
		p.Steps = append(p.Steps, Step{c.Name, a})
	}
	p.Recover = !any
	return p
}

// observe reads every component's pid file.
func observe(l Layout, comps []Component) map[string]Observed {
	obs := map[string]Observed{}
	for _, c := range comps {
		rec, ok := Running(l, c.Name)
		obs[c.Name] = Observed{Running: ok, Stamp: rec.Stamp}
	}
	return obs
}
