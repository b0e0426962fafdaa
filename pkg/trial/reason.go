package trial

import "fmt"

// Notes a summary adds to a state whose trials ran out of memory without
// the state saying so, in the order they are printed.
const (
	noteLikelyOOM  = "likely out of memory"
	noteProcessOOM = "with a process OOM-killed"
)

var oomNotes = []string{noteLikelyOOM, noteProcessOOM}

// OOMNote says in a few words how a trial ran out of memory when its state
// does not say it: "likely out of memory" for a Failed trial with reason
// LikelyOOMKilled, "with a process OOM-killed" for a Succeeded one with
// reason ProcessOOMKilled; "" otherwise (OOMKilled says it itself).
func (s *Status) OOMNote() string {
	switch {
	case s.State == Failed && s.Reason == ReasonLikelyOOMKilled:
		return noteLikelyOOM
	case s.State == Succeeded && s.Reason == ReasonProcessOOMKilled:
		return noteProcessOOM
	}
	return ""
}

// ReasonText renders the why of a trial's state in one cell, as status,
// wait and describe show it: the scheduler's message for an unschedulable
// trial, the limit an OOMKilled trial hit ("OOMKilled at limit 32Mi (exit
// 137)"), a likely OOM kill ("Killed (exit 137) — likely out of memory at
// 32Mi; the runtime did not report OOMKilled"), the reason and exit code
// of a failure. Wide keeps messages whole.
func (s *Status) ReasonText(wide bool) string {
	msg := s.Message
	if !wide {
		msg = ShortMessage(msg)
	}
	withMsg := func(out string) string {
		if wide && msg != "" {
			return out + ": " + msg
		}
		return out
	}
	switch s.State {
	case OOMKilled:
		return oomText(ReasonOOMKilled, s.MemoryLimit, s.ExitCode)
	case Failed:
		if s.Reason == ReasonLikelyOOMKilled {
			return withMsg(likelyOOMText(s.MemoryLimit, s.ExitCode))
		}
		return withMsg(orDash(s.Reason) + exitText(s.ExitCode))
	case Succeeded:
		if s.Reason == ReasonProcessOOMKilled {
			return withMsg(oomText(ReasonProcessOOMKilled, s.MemoryLimit, s.ExitCode))
		}
	case Pending:
		if msg != "" && (s.Reason == "Unschedulable" || wide) {
			return s.Reason + ": " + msg
		}
		return orDash(s.Reason)
	case Queued:
		if !wide {
			msg = ShortKueueMessage(s.Message)
		}
		if msg != "" {
			return orDash(s.Reason) + ": " + msg
		}
		return orDash(s.Reason)
	}
	return withMsg(orDash(s.Reason))
}

// oomText is "OOMKilled at limit 32Mi (exit 137)".
func oomText(reason, limit string, exit *int32) string {
	out := reason
	if limit != "" {
		out += " at limit " + limit
	}
	return out + exitText(exit)
}

// likelyOOMText is "Killed (exit 137) — likely out of memory at 32Mi; the
// runtime did not report OOMKilled".
func likelyOOMText(limit string, exit *int32) string {
	out := "Killed" + exitText(exit) + " — likely out of memory"
	if limit != "" {
		out += " at " + limit
	}
	return out + "; the runtime did not report OOMKilled"
}

// exitText is " (exit 137)", or "" without an exit code.
func exitText(exit *int32) string {
	if exit == nil {
		return ""
	}
	return fmt.Sprintf(" (exit %d)", *exit)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
