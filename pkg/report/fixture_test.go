package report

import (
	"fmt"
	"math"
	"time"

	"github.com/mlexp/kubectl-mlexp/pkg/cpumem"
	"github.com/mlexp/kubectl-mlexp/pkg/params"
	"github.com/mlexp/kubectl-mlexp/pkg/ranking"
	"github.com/mlexp/kubectl-mlexp/pkg/trial"
)

var seedActivations = []string{"softmax", "relu", "tanh", "linear", "selu", "elu", "sigmoid", "softsign"}

// seedInput is the seed's experiment, 3 models x 8 rows, finished: two
// trials OOMKilled, one failed, two still waiting for a CPU; usage sampled
// for most. Values are made up but shaped like the seed's.
func seedInput() Input {
	var trials []ranking.Trial
	var statuses []trial.Status
	peaks := map[string]cpumem.Peak{}
	limits := map[string]cpumem.Resources{}
	i := 0
	for m, model := range []string{"model01", "model02", "model03"} {
		for k, act := range seedActivations {
			name := fmt.Sprintf("mnist-%08x", 0x1a2b3c00+i*0x1111)
			p := params.Params{{Name: "model", Value: model}, {Name: "epochs", Value: int64(10)},
				{Name: "activation", Value: act}, {Name: "dropout", Value: []float64{0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}[k]}}
			st := trial.Status{Name: name, Namespace: "ml", Experiment: "mnist", Index: i, Params: p, State: trial.Succeeded}
			tr := ranking.Trial{Name: name, Params: p, State: trial.Succeeded, Source: ranking.SourceLog, Pod: name + "-x"}
			final := 0.1 + 0.85*math.Exp(-float64(k)/3)*(1-0.03*float64(m)) + 0.01*math.Sin(float64(i))
			switch {
			case i == 5 || i == 13:
				st.State, st.Reason, st.MemoryLimit = trial.OOMKilled, "OOMKilled", "6Gi"
				st.Message = "container ml was OOMKilled at its limit of 6Gi"
				st.ExitCode = ptr32(137)
				tr.State = st.State
			case i == 20:
				st.State, st.Reason, st.Message = trial.Failed, "BackoffLimitExceeded", "Job has reached the specified backoff limit"
				st.ExitCode = ptr32(1)
				tr.State = st.State
			case i >= 22:
				st.State, st.Reason, st.Message = trial.Pending, "Unschedulable", "0/1 nodes are available: 1 Insufficient cpu."
				tr.State = st.State
			}
			if tr.State == trial.Succeeded {
				tr.Metrics = map[string]float64{"test_accuracy": final, "test_loss": 1 - final}
				tr.Curves = map[string][]ranking.CurvePoint{}
				for e := 1; e <= 10; e++ {
					f := 1 - math.Exp(-float64(e)/2.5)
					for name, v := range map[string]float64{
						"accuracy": 0.5*(1-f) + final*f, "val_accuracy": 0.45*(1-f) + (final-0.01)*f,
						"loss": 2.3*(1-f) + (1-final)*f, "val_loss": 2.4*(1-f) + (1.05-final)*f,
					} {
						tr.Curves[name] = append(tr.Curves[name], ranking.CurvePoint{Step: e, Line: 2 * e, Value: ranking.Value(v)})
					}
				}
			}
			mem := int64(6) << 30
			limits[name] = cpumem.Resources{CPU: ptr64(1000), Memory: &mem}
			if tr.State != trial.Pending && st.State != trial.OOMKilled {
				peaks[name] = cpumem.Peak{CPU: ptr64(int64(700 + 37*i%300)), Memory: ptr64(int64(1+i%5) << 30), Samples: 12}
			}
			trials = append(trials, tr)
			statuses = append(statuses, st)
			i++
		}
	}
	return Input{
		Experiment: "mnist", Namespace: "ml", Generated: time.Date(2026, 11, 29, 10, 30, 0, 0, time.UTC),
		Table: ranking.Rank(trials, "test_accuracy", ranking.Max), Statuses: statuses,
		Peaks: peaks, Limits: limits, UsageHint: "kubectl mlexp report mnist --watch",
	}
}

func ptr32(v int32) *int32 { return &v }
func ptr64(v int64) *int64 { return &v }
