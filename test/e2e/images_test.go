//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// fakePython stands in for the seed's `python train.py EPOCHS ACTIVATION
// DROPOUT` in the seed's own images: it prints the seed's kind of log, takes
// a few seconds and ends with a test accuracy that depends on its arguments.
const fakePython = `#!/bin/sh
script=$1; shift
echo "['$script', '$1', '$2', '$3']"
echo "600 train samples"
i=1
while [ $i -le 3 ]; do
  echo "Epoch $i/$1"
  sleep 1
  echo "5/5 - 1s - loss: 0.$((9 - i)) - acc: 0.$((6 + i)) - val_loss: 0.$((9 - i)) - val_acc: 0.$((5 + i))"
  i=$((i + 1))
done
echo "Test loss: 0.1$(printf %s "$3" | tr -d .)"
echo "Test accuracy: 0.9$(printf %s "$2" | wc -c)"
`

var seedImagesOnce sync.Once
var seedImagesErr error

// SeedImages builds the seed's three image names, localhost/mlexp/k8s-ml:
// model01..03, from busybox and fakePython, into the cluster's containerd.
func SeedImages(t testing.TB) {
	t.Helper()
	seedImagesOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mlexp-seed-image-")
		if err != nil {
			seedImagesErr = err
			return
		}
		defer os.RemoveAll(dir)
		py := filepath.Join(dir, "python")
		if seedImagesErr = os.WriteFile(py, []byte(fakePython), 0o755); seedImagesErr != nil {
			return
		}
		for _, m := range []string{"model01", "model02", "model03"} {
			cmd := exec.Command("go", "run", ".", "image", "--name", "localhost/mlexp/k8s-ml:"+m,
				"--busybox", "--add", py+":/usr/local/bin/python", "--workdir", "/")
			cmd.Dir = "../../hack/devcluster"
			if out, err := cmd.CombinedOutput(); err != nil {
				seedImagesErr = fmt.Errorf("build image %s: %v\n%s", m, err, out)
				return
			}
		}
	})
	if seedImagesErr != nil {
		t.Fatal(seedImagesErr)
	}
}
