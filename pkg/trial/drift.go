package trial

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"

	batchv1 "k8s.io/api/batch/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/kube"
)

// Drift returns where live, a trial's Job in the cluster, no longer runs
// the pod template that rendered, the same trial's Job as the experiment
// file renders it (with the override of a retry carried onto it, see
// CarryOverride), says: the paths, under spec.template, of what the file
// sets that live lacks or holds otherwise, e.g.
// "spec.template.spec.containers[ml].command".
// It is a subset comparison: what the API server defaults, the Job
// controller adds (its labels) and Kueue adds on admission (node selectors,
// tolerations) is not drift. A spec hash cannot tell: a Job that a retry
// copied from a trimmed read (issue 19) kept the file's hash and lost its
// command, env and volumes.
func Drift(rendered *batchv1.Job, live kube.FullJob) ([]string, error) {
	if live.Job() == nil {
		return nil, fmt.Errorf("trial %s: its Job was not fetched", rendered.Name)
	}
	want, err := plain(rendered.Spec.Template)
	if err != nil {
		return nil, err
	}
	got, err := plain(live.Job().Spec.Template)
	if err != nil {
		return nil, err
	}
	var out []string
	subset("spec.template", want, got, &out)
	return out, nil
}

// plain returns v as JSON's maps, lists and scalars, as it is sent to and
// read from the API server (quantities in their canonical form, empty
// fields left out).
func plain(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(b, &out)
	return out, err
}

// subset appends to out the paths where want is not contained in got: a
// map's keys each contained, a list at least as long with each of want's
// items contained in got's at the same place (admission may append, e.g.
// Kueue's tolerations), scalars equal.
func subset(path string, want, got any, out *[]string) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			*out = append(*out, path)
			return
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			subset(path+"."+k, w[k], g[k], out)
		}
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) < len(w) {
			*out = append(*out, path)
			return
		}
		for i, item := range w {
			subset(path+itemKey(item, i), item, g[i], out)
		}
	default:
		if !reflect.DeepEqual(want, got) {
			*out = append(*out, path)
		}
	}
}

// itemKey names a list item in a path: [NAME] for items with a name (a
// container, an env var, a volume), else [INDEX].
func itemKey(item any, i int) string {
	if m, ok := item.(map[string]any); ok {
		if n, ok := m["name"].(string); ok && n != "" {
			return "[" + n + "]"
		}
	}
	return fmt.Sprintf("[%d]", i)
}
