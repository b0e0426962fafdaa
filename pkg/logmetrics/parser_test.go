package logmetrics

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// pt is a point at no known epoch, as ParseLine returns it.
func pt(name string, v float64) Point { return Point{Name: name, Value: v, Step: -1} }

// at is a point on a line that names epoch step.
func at(step int, name string, v float64) Point { return Point{Name: name, Value: v, Step: step} }

var nan, inf = math.NaN(), math.Inf(1)

func TestParseLine(t *testing.T) {
	tests := map[string]struct {
		line string
		want []Point
	}{
		// the seed's and the trainer's own output
		"test accuracy":         {"Test accuracy: 0.9812", []Point{pt("test_accuracy", 0.9812)}},
		"test loss":             {"Test loss: 0.07", []Point{pt("test_loss", 0.07)}},
		"python print of tuple": {"Test loss: 0.07390852", []Point{pt("test_loss", 0.07390852)}},
		"trainer epoch line": {"157/157 - 1s - loss: 0.1456 - acc: 0.9553 - val_loss: 0.1478 - val_acc: 0.9568",
			[]Point{pt("loss", 0.1456), pt("acc", 0.9553), pt("val_loss", 0.1478), pt("val_acc", 0.9568)}},
		"trainer argv":         {"['trainer', '--train-samples', '20000', '10', 'softmax', '0.2']", nil},
		"samples":              {"60000 train samples", nil},
		"trainer model line":   {"Model: Dense(64, relu) -> Dropout(0.2) -> Dense(64, relu) -> Dropout(0.2) -> Dense(10, softmax); 55050 params", nil},
		"trainer nan loss":     {"Test loss: nan", []Point{pt("test_loss", nan)}},
		"keras epoch":          {"Epoch 3/10", nil},
		"keras 2.0.8 progress": {"60000/60000 [==============================] - 10s - loss: 0.2466 - acc: 0.9243 - val_loss: 0.1091 - val_acc: 0.9663", []Point{pt("loss", 0.2466), pt("acc", 0.9243), pt("val_loss", 0.1091), pt("val_acc", 0.9663)}},
		"keras 2.x epoch": {"469/469 [==============================] - 2s 4ms/step - loss: 0.2466 - accuracy: 0.9243 - val_loss: 0.1091 - val_accuracy: 0.9663",
			[]Point{pt("loss", 0.2466), pt("accuracy", 0.9243), pt("val_loss", 0.1091), pt("val_accuracy", 0.9663)}},
		"keras ETA is not a metric": {"  128/60000 [..............................] - ETA: 1:23 - loss: 2.3010", []Point{pt("loss", 2.301)}},
		"keras redraws with \\r": {"\r  128/60000 [....] - ETA: 43s - loss: 2.1\r60000/60000 [====] - 10s - loss: 0.2 - acc: 0.9",
			[]Point{pt("loss", 0.2), pt("acc", 0.9)}},
		"keras backspaces":     {"\b\b\b\b\r469/469 - 2s - loss: 0.5", []Point{pt("loss", 0.5)}},
		"equals":               {"loss=0.12", []Point{pt("loss", 0.12)}},
		"spaced equals":        {"acc = 0.5", []Point{pt("acc", 0.5)}},
		"spaced colon":         {"loss : 0.3", []Point{pt("loss", 0.3)}},
		"dash separated":       {"val_loss: 0.3 - val_accuracy: 0.9", []Point{pt("val_loss", 0.3), pt("val_accuracy", 0.9)}},
		"lightning":            {"train_loss=0.123, val_acc=0.9", []Point{pt("train_loss", 0.123), pt("val_acc", 0.9)}},
		"no space after comma": {"loss=0.1,acc=0.2", []Point{pt("loss", 0.1), pt("acc", 0.2)}},
		"json line": {`{"epoch": 3, "accuracy": 0.97, "loss": 0.1}`,
			[]Point{at(3, "accuracy", 0.97), at(3, "loss", 0.1)}},
		"json strings bools nested": {`{"run": "a", "ok": true, "lr": 1e-3, "m": {"top1": 0.7}, "hist": [1, 2]}`,
			[]Point{pt("lr", 0.001), pt("top1", 0.7)}},
		"json spaced key":    {`{"val loss": 0.25}`, []Point{pt("val_loss", 0.25)}},
		"python dict (HF)":   {"{'loss': 0.5, 'learning_rate': 5e-05, 'epoch': 0.5}", []Point{at(0, "loss", 0.5), at(0, "learning_rate", 5e-05)}},
		"python NaN in json": {`{"loss": NaN, "acc": Infinity}`, []Point{pt("loss", nan), pt("acc", inf)}},
		"scientific":         {"lr: 1e-3 wd: 1.2E+02 x: -3.5e-1", []Point{pt("lr", 0.001), pt("wd", 120), pt("x", -0.35)}},
		"nan and inf": {"loss: nan - val_loss: inf - grad: -inf - z: NaN",
			[]Point{pt("loss", nan), pt("val_loss", inf), pt("grad", -inf), pt("z", nan)}},
		"percent":             {"accuracy: 97.5%", []Point{pt("accuracy_pct", 97.5)}},
		"percent with space":  {"Accuracy of the network on the 10000 test images: 98 %", []Point{pt("test_images_pct", 98)}},
		"kubectl timestamps":  {"2024-01-15T10:30:00.123456789Z Test accuracy: 0.98", []Point{pt("test_accuracy", 0.98)}},
		"timestamp with zone": {"2024-01-15T10:30:00+02:00 loss=0.5", []Point{pt("loss", 0.5)}},
		"kubectl prefix":      {"[pod/exp01-x7k2p/ml] Test accuracy: 0.9812", []Point{pt("test_accuracy", 0.9812)}},
		"ansi colours":        {"\x1b[32mloss\x1b[0m: \x1b[1m0.25\x1b[0m", []Point{pt("loss", 0.25)}},
		"ansi osc link":       {"\x1b]8;;http://x\x07acc\x1b]8;;\x07=0.5", []Point{pt("acc", 0.5)}},
		"tqdm bar ignored":    {"Training:   3%|▎         | 30/1000 [00:02<01:08, 14.29it/s]", nil},
		"tqdm start":          {"Training:   0%|          | 0/1000 [00:00<?, ?it/s]", nil},
		"lightning bar postfix": {"Epoch 3: 100%|██████████| 1875/1875 [00:15<00:00, 120.00it/s, v_num=0, train_loss=0.123, val_acc=0.9]",
			[]Point{at(3, "train_loss", 0.123), at(3, "val_acc", 0.9)}},
		"tqdm description":   {"loss=0.523: 100%|██████████| 10/10 [00:01<00:00, 9.8it/s]", []Point{pt("loss", 0.523)}},
		"pytorch tutorial":   {"Epoch [3/10], Step [100/600], Loss: 0.2154", []Point{at(3, "loss", 0.2154)}},
		"pytorch mnist":      {"Train Epoch: 1 [0/60000 (0%)]\tLoss: 2.300760", []Point{at(1, "loss", 2.30076)}},
		"pytorch mnist test": {"Test set: Average loss: 0.0335, Accuracy: 9890/10000 (99%)", []Point{pt("average_loss", 0.0335)}},
		"tensor value":       {"loss: tensor(0.1234, grad_fn=<NllLossBackward0>)", []Point{pt("loss", 0.1234)}},
		"logging prefix":     {"2024-01-15 10:30:00,123 INFO Test accuracy: 0.98", []Point{pt("test_accuracy", 0.98)}},
		"python logging":     {"INFO:root:val_loss: 0.31", []Point{pt("val_loss", 0.31)}},
		"keras checkpoint":   {"Epoch 00003: val_loss improved from 0.10912 to 0.09001, saving model to m.h5", nil},
		"units not metrics":  {"time: 2s, step_time=4ms, mem: 12MB", nil},
		"dates":              {"date: 2024-01-15 started=2024-01-15T10:30:00Z", nil},
		"ip and port":        {"connecting to host=10.0.0.1 at localhost:8080 via 127.0.0.1:9000", nil},
		"versions":           {"tensorflow version: 2.15.0, python=3.11.4, cuda v12.1", nil},
		"version v prefix":   {"version: v1.2", nil},
		"clock times":        {"elapsed: 12:30:05", nil},
		"thousands":          {"Total params: 669,706", nil},
		"counts":             {"Step 469/469 batch: 3/10", nil},
		"flags are not":      {"python train.py --lr=0.1 --epochs=3", nil},
		"comparison ops":     {"if loss == 0.5 or acc >= 0.9 or x != 1", nil},
		"multi-word capped":  {"the final test accuracy: 0.9", []Point{pt("final_test_accuracy", 0.9)}},
		"two on one line":    {"Test loss: 0.07 Test accuracy: 0.98", []Point{pt("test_loss", 0.07), pt("test_accuracy", 0.98)}},
		"slash names":        {"train/loss=0.4 val/acc@1: 75.3", []Point{pt("train/loss", 0.4), pt("val/acc@1", 75.3)}},
		"signed":             {"delta: +0.5 drift=-2", []Point{pt("delta", 0.5), pt("drift", -2)}},
		"epoch key text":     {"epoch: 4, loss: 0.3", []Point{at(4, "loss", 0.3)}},
		"epoch word later":   {"[Epoch 7] acc=0.8", []Point{at(7, "acc", 0.8)}},
		"epochs is config":   {"epochs: 10", []Point{pt("epochs", 10)}},
		"empty":              {"", nil},
		"blank":              {"   \t  ", nil},
		"colon only":         {"loss:", nil},
		"crlf":               {"loss: 0.5\r", []Point{pt("loss", 0.5)}},
		"sentence end":       {"Best acc: 0.93.", []Point{pt("best_acc", 0.93)}},
		"in parentheses":     {"done (acc=0.9)", []Point{pt("acc", 0.9)}},
		"huge exponent":      {"x: 1e999", []Point{pt("x", inf)}},
	}
	var p Parser
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := p.ParseLine(tc.line)
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateNaNs(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ParseLine(%q) (-want +got):\n%s", tc.line, diff)
			}
		})
	}
}

func TestNilParser(t *testing.T) {
	var p *Parser
	if diff := cmp.Diff([]Point{pt("acc", 0.5)}, p.ParseLine("acc=0.5")); diff != "" {
		t.Errorf("nil parser (-want +got):\n%s", diff)
	}
}

func TestCustomPatterns(t *testing.T) {
	tests := map[string]struct {
		patterns []string
		line     string
		want     []Point
	}{
		"named group": {
			[]string{`top-1 (?P<top1>[0-9.]+)`}, "eval top-1 76.1 top-5 93.0",
			[]Point{pt("top1", 76.1)},
		},
		"several groups and matches": {
			[]string{`(?P<a>\d+)/(?P<b>\d+)`}, "1/2 and 3/4",
			[]Point{pt("a", 1), pt("b", 2), pt("a", 3), pt("b", 4)},
		},
		"pattern wins over built-in for its names": {
			[]string{`Accuracy: (?P<accuracy>\d+)/10000`}, "Accuracy: 9890/10000, loss: 0.1",
			[]Point{pt("loss", 0.1), pt("accuracy", 9890)},
		},
		"same name replaces the built-in value": {
			[]string{`acc=(?P<acc>[0-9.]+)%`}, "acc=97.5%",
			[]Point{pt("acc", 97.5)},
		},
		"epoch group sets the step": {
			[]string{`it (?P<epoch>\d+) score (?P<score>[0-9.]+)`}, "it 5 score 0.9",
			[]Point{at(5, "score", 0.9)},
		},
		"group name normalised": {
			[]string{`(?P<Top1>\d+)`}, "7", []Point{pt("top1", 7)},
		},
		"non-number capture skipped": {
			[]string{`model (?P<model>\w+)`}, "model resnet", nil,
		},
		"unmatched optional group": {
			[]string{`a=(?P<a>\d+)(?: b=(?P<b>\d+))?`}, "a=1", []Point{pt("a", 1)},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p, err := New(tc.patterns)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, p.ParseLine(tc.line), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	tests := map[string]struct {
		patterns []string
		want     string
	}{
		"bad regexp":     {[]string{`ok=(?P<ok>\d+)`, `acc=(?P<acc>[0-9.+)`}, `metric pattern "acc=(?P<acc>[0-9.+)": error parsing regexp`},
		"no named group": {[]string{`acc=([0-9.]+)`}, `metric pattern "acc=([0-9.]+)" has no named group`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := New(tc.patterns)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("New: %v, want prefix %q", err, tc.want)
			}
		})
	}
	if p, err := New(nil); err != nil || len(p.ParseLine("a=1")) != 1 {
		t.Errorf("New(nil) = %v, %v", p, err)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{"Test accuracy": "test_accuracy", "loss": "loss", "Val  Loss": "val_loss", "ACC": "acc", " a b ": "a_b"} {
		if got := normalize(in); got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
}
