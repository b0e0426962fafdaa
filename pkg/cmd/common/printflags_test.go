package common

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type testItem struct {
	Name    string         `json:"name"`
	Restart int            `json:"restarts"`
	Params  map[string]any `json:"params"`
}

type testList struct {
	APIVersion string     `json:"apiVersion"`
	Kind       string     `json:"kind"`
	Metadata   ListMeta   `json:"metadata"`
	Experiment string     `json:"experiment"`
	Items      []testItem `json:"items"`
}

func sampleList() testList {
	return testList{APIVersion: APIVersion, Kind: "TrialList", Experiment: "mnist", Items: []testItem{
		{Name: "mnist-aaaa", Restart: 0, Params: map[string]any{"dropout": 0.2, "memory": 6442450944}},
		{Name: "mnist-bbbb", Restart: 2, Params: map[string]any{"dropout": 0.3, "memory": 1024}},
	}}
}

func TestPrintListFormats(t *testing.T) {
	cases := map[string]struct {
		flags PrintFlags
		want  string
	}{
		"jsonpath over items": {
			flags: PrintFlags{Output: "jsonpath={.items[*].name}"},
			want:  "mnist-aaaa mnist-bbbb",
		},
		"jsonpath on the list": {
			flags: PrintFlags{Output: "jsonpath={.kind}/{.experiment}"},
			want:  "TrialList/mnist",
		},
		"custom-columns over items, integers stay integers": {
			flags: PrintFlags{Output: "custom-columns=NAME:.name,DROPOUT:.params.dropout,MEM:.params.memory,X:.nothing"},
			want:  "NAME         DROPOUT   MEM          X\nmnist-aaaa   0.2       6442450944   <none>\nmnist-bbbb   0.3       1024         <none>\n",
		},
		"custom-columns without headers": {
			flags: PrintFlags{Output: "custom-columns=NAME:.name", NoHeaders: true},
			want:  "mnist-aaaa\nmnist-bbbb\n",
		},
		"go-template": {
			flags: PrintFlags{Output: "go-template={{range .items}}{{.name}}={{.restarts}};{{end}}"},
			want:  "mnist-aaaa=0;mnist-bbbb=2;",
		},
		"--template alone is a go-template": {
			flags: PrintFlags{Template: "{{len .items}}"},
			want:  "2",
		},
		"name": {
			flags: PrintFlags{Output: "name", NameKind: "experiment"},
			want:  "experiment/mnist-aaaa\nexperiment/mnist-bbbb\n",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			tc.flags.AllowMissingKeys = true
			if tc.flags.Table() {
				t.Fatal("Table() = true for a printer format")
			}
			var b bytes.Buffer
			if err := tc.flags.PrintList(&b, sampleList()); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, b.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPrintListJSONKeepsTheShape(t *testing.T) {
	var b bytes.Buffer
	f := PrintFlags{Output: "json"}
	if err := f.PrintList(&b, sampleList()); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"apiVersion": "mlexp.dev/v1alpha1"`, `"kind": "TrialList"`, `"metadata": {}`, `"items": [`, `"memory": 6442450944`, `"dropout": 0.2`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("-o json lacks %s:\n%s", want, b.String())
		}
	}
}

func TestPrintFlagsErrors(t *testing.T) {
	cases := map[string]struct {
		flags PrintFlags
		want  string
	}{
		"unknown":               {PrintFlags{Output: "xml", Tables: []string{"wide"}}, `--output: unknown format "xml" (allowed: wide, json, yaml, jsonpath=`},
		"name without a kind":   {PrintFlags{Output: "name"}, `--output: unknown format "name"`},
		"bad jsonpath":          {PrintFlags{Output: "jsonpath={.items[}"}, "--output: error parsing jsonpath {.items[}"},
		"template without body": {PrintFlags{Output: "custom-columns"}, "--output: custom-columns format specified but no custom columns given"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := tc.flags.Validate()
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("Validate() = %v, want an error starting %q", err, tc.want)
			}
		})
	}
	for _, ok := range []PrintFlags{{}, {Output: "wide", Tables: []string{"wide"}}, {Output: "yaml"}} {
		if err := ok.Validate(); err != nil {
			t.Errorf("Validate(%q) = %v", ok.Output, err)
		}
	}
}

func TestSortItems(t *testing.T) {
	items := sampleList().Items
	items = append(items, testItem{Name: "mnist-cccc", Restart: 1, Params: map[string]any{"dropout": 0.1}})
	names := func() string {
		var n []string
		for _, it := range items {
			n = append(n, it.Name)
		}
		return strings.Join(n, ",")
	}
	for field, want := range map[string]string{
		".params.dropout": "mnist-cccc,mnist-aaaa,mnist-bbbb",
		"{.restarts}":     "mnist-aaaa,mnist-cccc,mnist-bbbb",
		".name":           "mnist-aaaa,mnist-bbbb,mnist-cccc",
	} {
		if err := SortItems(items, field); err != nil {
			t.Fatalf("%s: %v", field, err)
		}
		if got := names(); got != want {
			t.Errorf("--sort-by %s: %s, want %s", field, got, want)
		}
	}
	for field, want := range map[string]string{
		".params":        "--sort-by: .params is a map",
		".nothing":       `--sort-by: couldn't find any field with path "{.nothing}"`,
		".params.memory": "",
	} {
		err := SortItems(items, field)
		if want == "" {
			if err != nil {
				t.Errorf("--sort-by %s: %v", field, err)
			}
			continue
		}
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("--sort-by %s: err = %v, want %q", field, err, want)
		}
	}
	mixed := []testItem{{Name: "a", Params: map[string]any{"lr": "auto"}}, {Name: "b", Params: map[string]any{"lr": 0.1}}}
	if err := SortItems(mixed, ".params.lr"); err == nil || !strings.Contains(err.Error(), "both numbers and strings") {
		t.Errorf("mixed kinds: err = %v", err)
	}
}

// BenchmarkPrintList1000 prints a status-sized list of 1000 trials with
// kubectl's printers: the cost of going through JSON and unstructured data.
func BenchmarkPrintList1000(b *testing.B) {
	l := sampleList()
	for i := range 1000 {
		l.Items = append(l.Items, testItem{Name: fmt.Sprintf("mnist-%08x", i), Restart: i % 3, Params: map[string]any{"dropout": 0.1 * float64(i%9), "act": "relu"}})
	}
	for _, format := range []string{"json", "jsonpath={.items[*].name}", "custom-columns=NAME:.name,DROPOUT:.params.dropout"} {
		b.Run(strings.SplitN(format, "=", 2)[0], func(b *testing.B) {
			f := PrintFlags{Output: format, AllowMissingKeys: true}
			b.ReportAllocs()
			for b.Loop() {
				if err := f.PrintList(io.Discard, l); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
