// Command trainer is the seed's train.py in Go: a multilayer perceptron on the
// real MNIST data, called as `trainer [flags] EPOCHS ACTIVATION DROPOUT` and
// printing Keras-like lines that kubectl mlexp results can parse.
//
// With --oom it is instead the seed's train-oom.py: it grows its memory by
// 12 MB every 0.07 s until it is killed (or has allocated 1000 chunks).
package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/mlexp/kubectl-mlexp/examples/mnist/internal/nn"
)

// options are the trainer's flags and positional arguments.
type options struct {
	trainSamples, testSamples, hidden, batch int
	seed                                     uint64
	dataDir, terminationLog                  string
	oom                                      bool
	oomSteps, oomChunkMB                     int
	oomInterval                              time.Duration

	epochs     int
	activation nn.Activation
	dropout    float64
}

func main() {
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}

// run is main with its streams and exit code made explicit, for tests.
func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseArgs(args, stderr)
	if err == flag.ErrHelp {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "trainer:", err)
		return 2
	}
	fmt.Fprintln(stdout, pyList(append([]string{filepath.Base(args[0])}, args[1:]...)))
	if o.oom {
		return runOOM(o, stdout, stderr)
	}
	if err := train(o, stdout); err != nil {
		fmt.Fprintln(stderr, "trainer:", err)
		return 1
	}
	return 0
}

func parseArgs(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet(filepath.Base(args[0]), flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.trainSamples, "train-samples", 60000, "train on the first N of the 60000 training images")
	fs.IntVar(&o.testSamples, "test-samples", 10000, "validate and test on the first N of the 10000 test images")
	fs.IntVar(&o.hidden, "hidden", 512, "units in each hidden layer (the seed uses 512)")
	fs.IntVar(&o.batch, "batch", 128, "batch size")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of weight init, shuffling and dropout; same seed, same output")
	fs.StringVar(&o.dataDir, "data", "", "directory with the MNIST *-ubyte.gz files (default /data, else the GoMNIST module in the Go module cache)")
	fs.StringVar(&o.terminationLog, "termination-log", "/dev/termination-log", "write the final metrics as JSON here if the file exists and is writable")
	fs.BoolVar(&o.oom, "oom", false, "be the seed's train-oom.py: grow memory until killed")
	fs.IntVar(&o.oomSteps, "oom-steps", 1000, "with --oom: chunks to allocate before exiting (the seed's range(1000))")
	fs.IntVar(&o.oomChunkMB, "oom-chunk-mb", 12, "with --oom: MB allocated per step")
	fs.DurationVar(&o.oomInterval, "oom-interval", 70*time.Millisecond, "with --oom: pause between steps")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: %s [flags] EPOCHS ACTIVATION DROPOUT\n\nACTIVATION is the output layer's: %v\n\nflags:\n", fs.Name(), nn.ActivationNames())
		fs.PrintDefaults()
	}
	if err := fs.Parse(args[1:]); err != nil {
		return nil, err
	}
	pos := fs.Args()
	if len(pos) != 3 {
		fs.Usage()
		return nil, fmt.Errorf("want 3 arguments EPOCHS ACTIVATION DROPOUT, got %d", len(pos))
	}
	var err error
	if o.epochs, err = strconv.Atoi(pos[0]); err != nil || o.epochs < 0 {
		return nil, fmt.Errorf("epochs %q: want a non-negative integer", pos[0])
	}
	if o.activation, err = nn.ParseActivation(pos[1]); err != nil {
		return nil, err
	}
	if o.dropout, err = strconv.ParseFloat(pos[2], 64); err != nil || math.IsNaN(o.dropout) {
		return nil, fmt.Errorf("dropout %q: want a number", pos[2])
	}
	switch {
	case o.trainSamples <= 0, o.testSamples <= 0:
		return nil, fmt.Errorf("--train-samples and --test-samples must be positive")
	case o.hidden <= 0, o.batch <= 0:
		return nil, fmt.Errorf("--hidden and --batch must be positive")
	case o.oomSteps < 0, o.oomChunkMB <= 0:
		return nil, fmt.Errorf("--oom-steps must be non-negative and --oom-chunk-mb positive")
	}
	return o, nil
}

func train(o *options, stdout io.Writer) error {
	dir, err := findDataDir(o.dataDir)
	if err != nil {
		return err
	}
	trainSet, testSet, err := loadMNIST(dir, o.trainSamples, o.testSamples)
	if err != nil {
		return err
	}
	debug.FreeOSMemory() // hand the decoded files' buffers back: RSS is what `kubectl top` shows
	fmt.Fprintf(stdout, "%d train samples\n", trainSet.Len())
	fmt.Fprintf(stdout, "%d test samples\n", testSet.Len())
	m, err := nn.New[float32](nn.Config{
		Inputs: 28 * 28, Hidden: o.hidden, Classes: 10,
		Output: o.activation, Dropout: o.dropout, Seed: o.seed,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Model: Dense(%[1]d, relu) -> Dropout(%[2]g) -> Dense(%[1]d, relu) -> Dropout(%[2]g) -> Dense(10, %[3]s); %[4]d params\n",
		o.hidden, o.dropout, o.activation, m.Params())
	for e := 1; e <= o.epochs; e++ {
		fmt.Fprintf(stdout, "Epoch %d/%d\n", e, o.epochs)
		start := time.Now()
		loss, acc, batches := m.TrainEpoch(trainSet, o.batch)
		vloss, vacc := m.Evaluate(testSet)
		fmt.Fprintf(stdout, "%d/%d - %ds - loss: %s - acc: %s - val_loss: %s - val_acc: %s\n",
			batches, batches, int(time.Since(start).Round(time.Second)/time.Second),
			f4(loss), f4(acc), f4(vloss), f4(vacc))
	}
	loss, acc := m.Evaluate(testSet)
	fmt.Fprintf(stdout, "Test loss: %s\n", f4(loss))
	fmt.Fprintf(stdout, "Test accuracy: %s\n", f4(acc))
	writeTerminationLog(o.terminationLog, loss, acc)
	return nil
}
