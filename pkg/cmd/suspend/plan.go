package suspend

import (
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

// How says how one trial is suspended or resumed.
type How int

const (
	// PatchJob sets the Job's spec.suspend: the Job controller stops its
	// pods, or creates them again.
	PatchJob How = iota
	// SetActive sets spec.active of the trial's Kueue Workload: Kueue owns
	// a queued Job's spec.suspend (it unsuspends an admitted Job that is
	// suspended by hand), so the plugin asks Kueue instead: a deactivated
	// Workload is evicted and its Job suspended; reactivated, it queues again.
	SetActive
)

// Action is the one write for one trial.
type Action struct {
	// Trial is the trial (Job) name.
	Trial string
	// How says what is patched.
	How How
	// Workload is the Workload's name when How is SetActive.
	Workload string
	// Queue is the trial's LocalQueue, for messages.
	Queue string
}

// Plan is what a suspend or resume does, worked out from one List before
// any write.
type Plan struct {
	// Actions are the writes, in the experiment's order.
	Actions []Action
	// Skipped counts the chosen trials left alone, by why.
	Skipped map[string]int
	// NoWorkload names queued trials Kueue has not made a Workload for yet.
	NoWorkload []string
	// ByHand names queued trials resumed by hand because the cluster does
	// not serve Kueue's API.
	ByHand []string
}

func (p *Plan) skip(why string) {
	if p.Skipped == nil {
		p.Skipped = map[string]int{}
	}
	p.Skipped[why]++
}

// Reasons trials are left alone.
const (
	SkipFinished  = "finished"
	SkipSuspended = "already suspended"
	SkipQueued    = "waiting in a Kueue queue"
	SkipRunnable  = "not suspended"
	SkipCount     = "beyond --count"
)

// kueueManaged reports whether Kueue decides when the trial runs.
func kueueManaged(s *trial.Status, kueueInstalled bool) bool {
	return s.Queueing != nil && kueueInstalled
}

// PlanSuspend chooses the trials to suspend among statuses (in order):
// every unfinished trial not suspended yet. Queued trials managed by Kueue
// get their Workload deactivated, so Kueue will not admit them.
func PlanSuspend(statuses []trial.Status, suspendedJobs map[string]bool, kueueInstalled bool) Plan {
	var p Plan
	for i := range statuses {
		s := &statuses[i]
		switch {
		case s.State.Finished():
			p.skip(SkipFinished)
		case kueueManaged(s, kueueInstalled):
			switch {
			case !s.Queueing.Active:
				p.skip(SkipSuspended)
			case s.Queueing.Workload == "":
				p.NoWorkload = append(p.NoWorkload, s.Name)
			default:
				p.Actions = append(p.Actions, Action{Trial: s.Name, How: SetActive, Workload: s.Queueing.Workload, Queue: s.Queueing.Queue})
			}
		case suspendedJobs[s.Name]:
			p.skip(SkipSuspended)
		default:
			p.Actions = append(p.Actions, Action{Trial: s.Name, How: PatchJob})
		}
	}
	return p
}

// PlanResume chooses the trials to resume among statuses (in order): the
// suspended ones, at most count (0 for all). A trial waiting in a Kueue
// queue is Kueue's to start and is left alone; a queued trial on a
// cluster without Kueue's API is released by hand.
func PlanResume(statuses []trial.Status, suspendedJobs map[string]bool, kueueInstalled bool, count int) Plan {
	var p Plan
	for i := range statuses {
		s := &statuses[i]
		var a Action
		switch {
		case s.State.Finished():
			p.skip(SkipFinished)
			continue
		case kueueManaged(s, kueueInstalled):
			if s.Queueing.Active {
				if s.State == trial.Queued {
					p.skip(SkipQueued)
				} else {
					p.skip(SkipRunnable)
				}
				continue
			}
			a = Action{Trial: s.Name, How: SetActive, Workload: s.Queueing.Workload, Queue: s.Queueing.Queue}
		case suspendedJobs[s.Name]:
			a = Action{Trial: s.Name, How: PatchJob}
		default:
			p.skip(SkipRunnable)
			continue
		}
		if count > 0 && len(p.Actions) == count {
			p.skip(SkipCount)
			continue
		}
		if s.Queueing != nil && !kueueInstalled {
			p.ByHand = append(p.ByHand, s.Name)
		}
		p.Actions = append(p.Actions, a)
	}
	return p
}
