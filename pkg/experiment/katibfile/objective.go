package katibfile

import (
	"go.yaml.in/yaml/v3"

	"github.com/mlexp/kubectl-mlexp/pkg/experiment/internal/reader"
	"github.com/mlexp/kubectl-mlexp/pkg/experiment/model"
)

// katibObjectiveTypes maps Katib's objective types to goals.
var katibObjectiveTypes = map[string]string{"maximize": "max", "minimize": "min"}

// katibCollectors are the metrics collector kinds of Katib; only StdOut,
// Katib's default, reads what kubectl-mlexp reads: the trial's log.
var katibCollectors = []string{"StdOut", "File", "TensorFlowEvent", "PrometheusMetric", "Custom", "Push"}

// katibResults reads spec.objective: the metric to rank by, maximize or
// minimize, the goal a trial should reach and the additional metrics.
func (p *parser) katibResults(specKey *yaml.Node, spec katibSpec, exp *model.Experiment) ([]katibStrategy, error) {
	var strategies []katibStrategy
	r := &exp.Results
	f, ok := spec["objective"]
	if !ok {
		return strategies, p.Errorf(specKey, "spec.objective is missing: give objectiveMetricName and type (maximize or minimize)")
	}
	fs, err := p.Object(f.Value, "spec.objective", "type", "goal", "objectiveMetricName", "additionalMetricNames", "metricStrategies")
	if err != nil {
		return strategies, err
	}
	tf, ok := fs["type"]
	if !ok {
		return strategies, p.Errorf(f.KeyN, "spec.objective.type is missing: want maximize or minimize")
	}
	typ, err := p.Str(tf.Value, "objective.type")
	if err != nil {
		return strategies, err
	}
	if r.Goal = katibObjectiveTypes[typ]; r.Goal == "" {
		return strategies, p.Errorf(tf.Value, "objective.type %q: want maximize or minimize%s", typ, reader.Hint(typ, []string{"maximize", "minimize"}))
	}
	mf, ok := fs["objectiveMetricName"]
	if !ok {
		return strategies, p.Errorf(f.KeyN, "spec.objective.objectiveMetricName is missing: name the metric to optimize")
	}
	if r.Metric, err = p.MetricName(mf.Value, "objectiveMetricName"); err != nil {
		return strategies, err
	}
	if gf, ok := fs["goal"]; ok {
		g, err := p.Number(gf.Value, "objective.goal")
		if err != nil {
			return strategies, err
		}
		r.Target = &g
	}
	if af, ok := fs["additionalMetricNames"]; ok {
		if r.Columns, err = p.MetricNames(af.Value, "additionalMetricNames", r.Metric); err != nil {
			return strategies, err
		}
	}
	if sf, ok := fs["metricStrategies"]; ok {
		if strategies, err = p.metricStrategies(sf); err != nil {
			return nil, err
		}
	}
	return strategies, nil
}

// katibStrategy is one item of metricStrategies.
type katibStrategy struct {
	name, value string
	at          *yaml.Node // the value
}

// metricStrategies reads spec.objective.metricStrategies.
func (p *parser) metricStrategies(f reader.Field) ([]katibStrategy, error) {
	items, err := p.Sequence(f.Value, "metricStrategies")
	if err != nil {
		return nil, err
	}
	var out []katibStrategy
	for _, it := range items {
		fs, err := p.Object(it, "metricStrategies item", "name", "value")
		if err != nil {
			return nil, err
		}
		nf, ok1 := fs["name"]
		vf, ok2 := fs["value"]
		if !ok1 || !ok2 {
			return nil, p.Errorf(it, "metricStrategies: each item needs a name and a value (min, max or latest)")
		}
		if _, err := p.MetricName(nf.Value, "metricStrategies name"); err != nil {
			return nil, err
		}
		v, err := p.Str(vf.Value, "metricStrategies value")
		if err != nil {
			return nil, err
		}
		if !reader.Contains(model.Strategies, v) {
			return nil, p.Errorf(vf.Value, "metricStrategies value %q: want min, max or latest%s", v, reader.Hint(v, model.Strategies))
		}
		out = append(out, katibStrategy{name: nf.Value.Value, value: v, at: vf.Value})
	}
	return out, nil
}

// strategyWarnings warns about each strategy other than latest of a
// search run at once: results ranks each trial by the last value it
// printed.
func (p *parser) strategyWarnings(strategies []katibStrategy) []string {
	var out []string
	for _, s := range strategies {
		if s.value != "latest" {
			out = append(out, p.Warnf(s.at, "metricStrategies %s of %q is not applied: results shows the last value each trial printed", s.value, s.name))
		}
	}
	return out
}

// katibMetricsCollector reads spec.metricsCollectorSpec: the StdOut
// collector (the default) reads the primary container's log, as results
// does; its filter's metricsFormat become the results' filters. Other
// collectors read files, endpoints or sidecars and are refused.
func (p *parser) katibMetricsCollector(spec katibSpec, r *model.ResultsSpec) error {
	f, ok := spec["metricsCollectorSpec"]
	if !ok {
		return nil
	}
	fs, err := p.Object(f.Value, "metricsCollectorSpec", "collector", "source")
	if err != nil {
		return err
	}
	if cf, ok := fs["collector"]; ok {
		cs, err := p.Object(cf.Value, "metricsCollectorSpec.collector", "kind", "customCollector")
		if err != nil {
			return err
		}
		if kf, ok := cs["kind"]; ok {
			kind, err := p.Str(kf.Value, "collector.kind")
			if err != nil {
				return err
			}
			if !reader.Contains(katibCollectors, kind) {
				return p.Errorf(kf.Value, "collector kind %q: want one of StdOut, File, TensorFlowEvent, PrometheusMetric, Custom or Push%s", kind, reader.Hint(kind, katibCollectors))
			}
			if kind != "StdOut" {
				return p.Errorf(kf.Value, "collector kind %s is not supported: kubectl mlexp reads metrics from the primary container's log, as Katib's StdOut collector does; print them there as name=value lines", kind)
			}
		}
		if cc, ok := cs["customCollector"]; ok {
			return p.Errorf(cc.KeyN, "customCollector is not supported: kubectl mlexp runs no collector sidecar")
		}
	}
	sf, ok := fs["source"]
	if !ok {
		return nil
	}
	src, err := p.Object(sf.Value, "metricsCollectorSpec.source", "filter", "fileSystemPath", "httpGet")
	if err != nil {
		return err
	}
	for _, k := range []string{"fileSystemPath", "httpGet"} {
		if g, ok := src[k]; ok {
			return p.Errorf(g.KeyN, "source.%s is not supported: kubectl mlexp reads metrics from the primary container's log, as Katib's StdOut collector does", k)
		}
	}
	ff, ok := src["filter"]
	if !ok {
		return nil
	}
	filter, err := p.Object(ff.Value, "source.filter", "metricsFormat")
	if err != nil {
		return err
	}
	if mf, ok := filter["metricsFormat"]; ok {
		if r.Filters, err = p.Filters(mf.Value, "metricsFormat"); err != nil {
			return err
		}
	}
	return nil
}
