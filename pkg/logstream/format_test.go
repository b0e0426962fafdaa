package logstream

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mlexp/kubectl-mlexp/pkg/jsonstr"
	"github.com/mlexp/kubectl-mlexp/pkg/params"
)

var testTarget = Target{
	Trial: "mnist-1a2b3c4d", Pod: "mnist-1a2b3c4d-x7k2p", Container: "ml",
	Params: params.Params{{Name: "activation", Value: "relu"}, {Name: "dropout", Value: 0.2}},
}

func TestFormatText(t *testing.T) {
	const ts = "2024-05-01T10:00:00.123456789Z"
	labelled := testTarget
	labelled.Labelled = true
	color := "\x1b[" + ColorOf(testTarget.Trial) + "m"
	cases := map[string]struct {
		format Format
		target Target
		want   string
	}{
		"trial prefix":         {Format{}, testTarget, "[mnist-1a2b3c4d] Epoch 1\n"},
		"timestamps":           {Format{Timestamps: true}, testTarget, "[mnist-1a2b3c4d] " + ts + " Epoch 1\n"},
		"params":               {Format{Params: true}, testTarget, "[mnist-1a2b3c4d activation=relu,dropout=0.2] Epoch 1\n"},
		"container":            {Format{}, labelled, "[mnist-1a2b3c4d/ml] Epoch 1\n"},
		"colour on the prefix": {Format{Color: true}, testTarget, color + "[mnist-1a2b3c4d]\x1b[0m Epoch 1\n"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			lf := tc.format.compile(&tc.target)
			got := string(lf.append(nil, []byte(ts), []byte("Epoch 1")))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("line (-want +got):\n%s", diff)
			}
		})
	}
}

func TestColorOfIsStableAndSpread(t *testing.T) {
	if ColorOf("mnist-1a2b3c4d") != ColorOf("mnist-1a2b3c4d") {
		t.Fatal("a trial's colour changes")
	}
	seen := map[string]bool{}
	for i := range 24 {
		seen[ColorOf("mnist-"+strings.Repeat("x", i))] = true
	}
	if len(seen) < 6 {
		t.Errorf("24 trials share %d colours, want at least 6", len(seen))
	}
}

func TestFormatJSON(t *testing.T) {
	type object struct {
		Trial     string         `json:"trial"`
		Pod       string         `json:"pod"`
		Container string         `json:"container"`
		Timestamp string         `json:"timestamp"`
		Message   string         `json:"message"`
		Params    map[string]any `json:"params"`
	}
	cases := map[string]struct {
		format Format
		msg    string
		want   object
	}{
		"plain": {Format{JSON: true}, "Test accuracy: 0.91", object{
			Trial: "mnist-1a2b3c4d", Pod: "mnist-1a2b3c4d-x7k2p", Container: "ml",
			Timestamp: "2024-05-01T10:00:00Z", Message: "Test accuracy: 0.91"}},
		"escapes": {Format{JSON: true}, "tab\there \"quoted\" back\\slash \x01 \xff end \u2028", object{
			Trial: "mnist-1a2b3c4d", Pod: "mnist-1a2b3c4d-x7k2p", Container: "ml",
			Timestamp: "2024-05-01T10:00:00Z", Message: "tab\there \"quoted\" back\\slash \x01 \ufffd end \u2028"}},
		"params": {Format{JSON: true, Params: true}, "x", object{
			Trial: "mnist-1a2b3c4d", Pod: "mnist-1a2b3c4d-x7k2p", Container: "ml",
			Timestamp: "2024-05-01T10:00:00Z", Message: "x",
			Params: map[string]any{"activation": "relu", "dropout": 0.2}}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			lf := tc.format.compile(&testTarget)
			line := lf.append(nil, []byte("2024-05-01T10:00:00Z"), []byte(tc.msg))
			if !strings.HasSuffix(string(line), "}\n") || strings.Count(string(line), "\n") != 1 {
				t.Fatalf("want one object on one line, got %q", line)
			}
			var got object
			if err := json.Unmarshal(line, &got); err != nil {
				t.Fatalf("invalid JSON %q: %v", line, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("object (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzAppendJSONString checks the JSON string writer against encoding/json.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "a\"b\\c\n\r\t\x00\x1f", "\xff\xfe", "é\u2028\u2029😀"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, s []byte) {
		got := jsonstr.Append(nil, s)
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("%q -> invalid JSON %q: %v", s, got, err)
		}
		want, _ := json.Marshal(string(s))
		var wantBack string
		_ = json.Unmarshal(want, &wantBack)
		if back != wantBack {
			t.Fatalf("%q decodes to %q, encoding/json's to %q", s, back, wantBack)
		}
	})
}
