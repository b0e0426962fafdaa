package experiment

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// grid returns a valid file whose grid has the given axes (name: values).
func gridFile(axes ...string) string {
	return head + "  parameters:\n    grid:\n" + strings.Join(axes, "") + tmpl
}

// TestLimits gives each limit an input just over it (the sizes the issue
// measured are far over them) and checks the error names the file, the
// line where there is one, and the limit.
func TestLimits(t *testing.T) {
	axis := func(name, value string) string { return fmt.Sprintf("      %s: [%q]\n", name, value) }
	var many strings.Builder
	many.WriteString("      model: [m1]\n")
	for i := range 10_000 {
		fmt.Fprintf(&many, "      p%d: [1]\n", i)
	}
	cases := map[string]struct {
		data string
		want string
	}{
		"file of 50 MB": {data: strings.Repeat("# padding\n", 5<<20),
			want: "t.yaml: file is larger than 2 MiB, the most an experiment file may be"},
		"line of 10 MB": {data: head + "# " + strings.Repeat("x", 10<<20) + "\n",
			want: "t.yaml: file is larger than 2 MiB, the most an experiment file may be"},
		"line of 1 MB": {data: head + "# " + strings.Repeat("x", 1<<20) + "\n",
			want: "t.yaml:5: line is 1 MiB long: at most 64 KiB"},
		"line just over the limit": {data: head + "# " + strings.Repeat("x", MaxLineLength) + "\n" + grid + tmpl,
			want: "t.yaml:5: line is 64 KiB long: at most 64 KiB"},
		"value of 1 MB": {data: gridFile(axis("model", "m1"), "      blob:\n      - |\n"+strings.Repeat("        "+strings.Repeat("y", 1023)+"\n", 1<<10)),
			want: `t.yaml:9:9: value of "blob" is 1 MiB long: at most 16 KiB`},
		"value just over the limit": {data: gridFile(axis("model", strings.Repeat("v", MaxValueLength+1))),
			want: `t.yaml:7:15: value of "model" is 16 KiB long: at most 16 KiB`},
		"10,000 parameters": {data: gridFile(many.String()),
			want: `t.yaml:107:7: more than 100 parameters: "p99" is one too many`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := LoadReader("t.yaml", strings.NewReader(tc.data), Options{Getenv: noEnv})
			if err == nil || err.Error() != tc.want {
				t.Errorf("error = %.300v\nwant    %s", err, tc.want)
			}
		})
	}
}

// TestLimitsAreQuickAndSmall: refusing a file over each limit takes little
// time and memory; a 50 MB file is refused from its size alone.
func TestLimitsAreQuickAndSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("measures memory")
	}
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(50 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err = Load(big, Options{})
	took := time.Since(start)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "file is 50 MiB") {
		t.Fatalf("Load(50 MB) = %v", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("refusing a 50 MB file allocated %d bytes: it read the file", alloc)
	}
	t.Logf("50 MB file refused in %v", took)
}

// TestLoadRefusesWhatIsNotAFile: a directory or a named pipe given as -f
// is refused before it is opened (opening a pipe waits for a writer).
func TestLoadRefusesWhatIsNotAFile(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(dir, Options{}); err == nil || err.Error() != dir+": is a directory, not an experiment file" {
		t.Errorf("Load(dir) = %v", err)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml"), Options{}); !os.IsNotExist(err) {
		t.Errorf("Load(missing) = %v, want not exist", err)
	}
}

// TestLoadContextEndsStdinWait: reading stdin gives up when ctx ends.
func TestLoadContextEndsStdinWait(t *testing.T) {
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pw.Close()
	defer pr.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := loadCancellable(ctx, "<stdin>", pr, Options{})
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if err == nil || err.Error() != "<stdin>: interrupted while waiting for the experiment file" {
			t.Errorf("err = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the read did not end with its context")
	}
}
