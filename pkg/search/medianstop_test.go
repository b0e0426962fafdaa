package search

import (
	"strconv"
	"strings"
	"testing"
)

// curve makes a curve of values at steps 1, 2, ...; sign flips them, to
// run the same case maximizing.
func curve(sign float64, values ...float64) []Step {
	out := make([]Step, len(values))
	for i, v := range values {
		out[i] = Step{Step: i + 1, Value: sign * v}
	}
	return out
}

// firstStop feeds the running trial's curve one step at a time and returns
// the number of steps it had when it was first stopped (0: never), and
// the reason.
func firstStop(t *testing.T, st Stopper, done []Trial, running []Step) (int, string) {
	t.Helper()
	for k := 1; k <= len(running); k++ {
		trials := append(append([]Trial(nil), done...), Trial{Index: len(done), State: Running, Curve: running[:k]})
		if stops := st.Stop(trials); len(stops) > 0 {
			if len(stops) != 1 || stops[0].Index != len(done) {
				t.Fatalf("stops %v, want only trial %d", stops, len(done))
			}
			return k, stops[0].Reason
		}
	}
	return 0, ""
}

func TestMedianStop(t *testing.T) {
	for _, goal := range []Goal{Minimize, Maximize} {
		sign := 1.0
		if goal == Maximize {
			sign = -1
		}
		// Running averages at step 4: 0.725, 0.85, 0.625 (median 0.725);
		// at step 5: 0.66, 0.78, 0.57 (median 0.66); at step 6: 0.6083,
		// 0.725, 0.525 (median 0.6083).
		completed := []Trial{
			{Index: 0, State: Completed, Curve: curve(sign, 1.0, 0.8, 0.6, 0.5, 0.4, 0.35, 0.3, 0.3)},
			{Index: 1, State: Completed, Curve: curve(sign, 1.2, 0.9, 0.7, 0.6, 0.5, 0.45, 0.4, 0.4)},
			{Index: 2, State: Completed, Curve: curve(sign, 0.9, 0.7, 0.5, 0.4, 0.35, 0.3, 0.25, 0.25)},
		}
		st, err := NewStopper(StopperConfig{Algorithm: "medianstop", Goal: goal})
		if err != nil {
			t.Fatal(err)
		}
		bad := curve(sign, 1.5, 1.4, 1.3, 1.2, 1.1, 1.0)
		cases := map[string]struct {
			done    []Trial
			running []Step
			step    int
			value   string
			median  string
		}{
			"bad from the start, stopped at start_step": {completed, bad, 4, "1.2", "0.725"},
			"good":                           {completed, curve(sign, 0.9, 0.6, 0.5, 0.45, 0.4, 0.35), 0, "", ""},
			"falls behind at step 6":         {completed, curve(sign, 0.8, 0.7, 0.7, 0.7, 0.65, 0.65), 6, "0.65", "0.608333"},
			"two completed are not enough":   {completed[:2], bad, 0, "", ""},
			"early stopped trials not count": {append(completed[:2:2], Trial{Index: 2, State: EarlyStopped, Curve: completed[2].Curve}), bad, 0, "", ""},
		}
		for name, c := range cases {
			step, reason := firstStop(t, st, c.done, c.running)
			if step != c.step {
				t.Errorf("%v, %s: stopped with %d steps, want %d (reason %q)", goal, name, step, c.step, reason)
				continue
			}
			if step == 0 {
				continue
			}
			worse := map[Goal]string{Minimize: " is above ", Maximize: " is below -"}[goal]
			for _, want := range []string{"at step " + strconv.Itoa(step), "best objective " + map[Goal]string{Minimize: "", Maximize: "-"}[goal] + c.value + worse + c.median, "3 completed trials"} {
				if !strings.Contains(reason, want) {
					t.Errorf("%v, %s: reason %q does not say %q", goal, name, reason, want)
				}
			}
		}
	}
}

func TestMedianStopSettings(t *testing.T) {
	done := []Trial{
		{Index: 0, State: Completed, Curve: curve(1, 1, 1)},
		{Index: 1, State: Completed, Curve: curve(1, 1, 1)},
	}
	st, err := NewStopper(StopperConfig{Algorithm: "medianstop", Settings: map[string]string{"min_trials_required": "2", "start_step": "2"}})
	if err != nil {
		t.Fatal(err)
	}
	if step, _ := firstStop(t, st, done, curve(1, 3, 3, 3)); step != 2 {
		t.Errorf("min_trials_required=2 start_step=2: stopped with %d steps, want 2", step)
	}
	_, err = NewStopper(StopperConfig{Algorithm: "medianstop", Settings: map[string]string{"start": "2"}})
	if err == nil || err.Error() != "unknown setting start for algorithm medianstop: want min_trials_required, start_step" {
		t.Errorf("err = %v", err)
	}
}
