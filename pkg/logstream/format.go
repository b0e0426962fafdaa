package logstream

import (
	"hash/fnv"

	"github.com/mlexp/kubectl-mlexp/pkg/jsonstr"
)

// Format says how lines are written.
type Format struct {
	// JSON writes one JSON object per line: trial, pod, container,
	// timestamp, message and, with Params, params.
	JSON bool
	// Timestamps keeps each line's timestamp in text output.
	Timestamps bool
	// Params puts the trial's parameters in the prefix (or the object).
	Params bool
	// Color colours each trial's prefix with a colour of its own.
	Color bool
}

// palette holds ANSI foreground colours that read on dark and light
// terminals; a trial keeps its colour across runs (a hash of its name).
var palette = []string{"31", "32", "33", "34", "35", "36", "91", "92", "93", "94", "95", "96"}

// ColorOf returns the ANSI colour code of a trial.
func ColorOf(trialName string) string {
	h := fnv.New32a()
	h.Write([]byte(trialName))
	return palette[h.Sum32()%uint32(len(palette))]
}

// lineFormat is the part of every line of one target that does not change,
// rendered once.
type lineFormat struct {
	json       bool
	timestamps bool
	head       []byte // text: the prefix; JSON: the object up to the timestamp
	tail       []byte // JSON: the params member and the closing brace
}

// compile renders the fixed parts of t's lines.
func (f Format) compile(t *Target) lineFormat {
	lf := lineFormat{json: f.JSON, timestamps: f.Timestamps}
	if f.JSON {
		b := append([]byte(nil), `{"trial":`...)
		b = jsonstr.Append(b, []byte(t.Trial))
		b = append(b, `,"pod":`...)
		b = jsonstr.Append(b, []byte(t.Pod))
		b = append(b, `,"container":`...)
		b = jsonstr.Append(b, []byte(t.Container))
		lf.head = b
		if f.Params {
			pj, err := t.Params.MarshalJSON()
			if err != nil || len(t.Params) == 0 {
				pj = []byte("{}")
			}
			lf.tail = append(append([]byte(`,"params":`), pj...), '}', '\n')
		} else {
			lf.tail = []byte("}\n")
		}
		return lf
	}
	label := t.Trial
	if t.Labelled {
		label += "/" + t.Container
	}
	if f.Params && len(t.Params) > 0 {
		label += " " + t.Params.String()
	}
	label = "[" + label + "]"
	if f.Color {
		label = "\x1b[" + ColorOf(t.Trial) + "m" + label + "\x1b[0m"
	}
	lf.head = []byte(label + " ")
	return lf
}

// append appends one formatted line, ending in a newline, to dst.
func (lf *lineFormat) append(dst, ts, msg []byte) []byte {
	if lf.json {
		dst = append(dst, lf.head...)
		if len(ts) > 0 {
			dst = append(dst, `,"timestamp":"`...)
			dst = append(dst, ts...) // RFC 3339: nothing to escape
			dst = append(dst, '"')
		}
		dst = append(dst, `,"message":`...)
		dst = jsonstr.Append(dst, msg)
		return append(dst, lf.tail...)
	}
	dst = append(dst, lf.head...)
	if lf.timestamps && len(ts) > 0 {
		dst = append(dst, ts...)
		dst = append(dst, ' ')
	}
	dst = append(dst, msg...)
	return append(dst, '\n')
}
