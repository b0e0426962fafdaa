package collect

import (
	"bytes"
	"encoding/json"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/mlexp/kubectl-mlexp/pkg/logmetrics"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
)

// terminationMetrics reads the metrics in the termination message of the
// container that holds them: JSON objects of numbers, one a line, as the
// trainer writes to /dev/termination-log (null reads as NaN), and any other
// line as a log line (a message taken from the log's tail by
// terminationMessagePolicy FallbackToLogsOnError).
func terminationMetrics(pod *corev1.Pod, container string, parser *logmetrics.Parser) map[string]float64 {
	msg := ""
	for _, cs := range pod.Status.ContainerStatuses {
		if cs.Name == container && cs.State.Terminated != nil {
			msg = cs.State.Terminated.Message
		}
	}
	if strings.TrimSpace(msg) == "" {
		return nil
	}
	out := map[string]float64{}
	series := parser.NewSeries()
	for _, line := range strings.Split(msg, "\n") {
		line = strings.TrimSpace(line)
		if m, ok := jsonMetrics(line); ok {
			for k, v := range m {
				out[k] = v
			}
			continue
		}
		series.Add(line)
	}
	for k, v := range series.Last() {
		if _, ok := out[k]; !ok {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// notMetrics are JSON keys that count training progress rather than measure it.
var notMetrics = map[string]bool{"epoch": true, "step": true, "iteration": true, "batch": true}

// jsonMetrics reads a JSON object's numeric members, named as logmetrics
// names them (lower case, spaces as _); ok is false when line is not a JSON
// object.
func jsonMetrics(line string) (map[string]float64, bool) {
	if !strings.HasPrefix(line, "{") {
		return nil, false
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(line), &raw); err != nil {
		return nil, false
	}
	out := map[string]float64{}
	for k, v := range raw {
		if notMetrics[strings.ToLower(k)] || len(v) == 0 || bytes.ContainsAny(v[:1], "{[tf") {
			continue // objects, arrays, booleans
		}
		var f ranking.Value
		if err := json.Unmarshal(v, &f); err == nil {
			out[strings.Join(strings.Fields(strings.ToLower(k)), "_")] = float64(f)
		}
	}
	return out, true
}
