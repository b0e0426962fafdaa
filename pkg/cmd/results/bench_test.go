package results

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/mlexp/kubectl-mlexp/pkg/keys"
)

// kerasLog is a 10-epoch Keras-like log with a final test accuracy.
func kerasLog(i int) string {
	var b strings.Builder
	for e := 1; e <= 10; e++ {
		fmt.Fprintf(&b, "Epoch %d/10\n469/469 [==============================] - 2s 4ms/step - loss: 0.%04d - accuracy: 0.9%03d - val_loss: 0.1091 - val_accuracy: 0.9667\n", e, 3000-e*100, e*10)
	}
	fmt.Fprintf(&b, "Test loss: 0.0790\nTest accuracy: 0.%04d\n", 9000+i%1000)
	return b.String()
}

// BenchmarkResults1000 runs the whole command over 1000 finished trials
// whose pods exist: "unread" reads and parses every log (23 lines each,
// --no-record: the fake clientset's Patch builds a REST mapper per call and
// would measure itself); "recorded" finds every trial's metrics on its Job
// and reads no log.
func BenchmarkResults1000(b *testing.B) {
	const n = 1000
	for _, recorded := range []bool{false, true} {
		name := "unread"
		if recorded {
			name = "recorded"
		}
		b.Run(name, func(b *testing.B) {
			objs := make([]runtime.Object, 0, 2*n)
			text := map[string]string{}
			for i := range n {
				name := fmt.Sprintf("mnist-%04d", i)
				var ann map[string]string
				if recorded {
					ann = map[string]string{keys.Results: fmt.Sprintf(`{"source":"log","pod":"%s-x","metrics":{"test_accuracy":0.%04d,"test_loss":0.079}}`, name, 9000+i%1000)}
				}
				objs = append(objs, job(name, i, fmt.Sprintf(`{"activation":"relu","dropout":0.%d}`, i%10), "ok", ann),
					pod(name, corev1.PodSucceeded, `{"test_loss":0.079,"test_accuracy":0.97}`))
				text[name+"-x"] = kerasLog(i)
			}
			c := fake.NewClientset(objs...)
			b.ReportAllocs()
			for b.Loop() {
				l := &logs{text: text}
				o := &Options{IOStreams: genericiooptions.IOStreams{Out: io.Discard, ErrOut: &bytes.Buffer{}}, Getter: getter{c},
					Chart: true, MaxRequests: DefaultMaxRequests, OpenLog: l.open, NoRecord: true}
				if err := o.Complete(o.Getter, nil, []string{"mnist"}); err != nil {
					b.Fatal(err)
				}
				if err := o.Validate(); err != nil {
					b.Fatal(err)
				}
				if err := o.Run(context.Background()); err != nil {
					b.Fatal(err)
				}
				if want := map[bool]int{false: n, true: 0}[recorded]; len(l.reads) != want {
					b.Fatalf("%d reads, want %d", len(l.reads), want)
				}
			}
		})
	}
}
