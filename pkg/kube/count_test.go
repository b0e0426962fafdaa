package kube

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestRequestKind(t *testing.T) {
	cases := map[string]struct {
		method, path, watch string
		want                string
	}{
		"list jobs":          {"GET", "/apis/batch/v1/namespaces/ml/jobs", "", "list jobs"},
		"list all":           {"GET", "/apis/batch/v1/jobs", "", "list jobs"},
		"watch pods":         {"GET", "/api/v1/namespaces/ml/pods", "true", "watch pods"},
		"get job":            {"GET", "/apis/batch/v1/namespaces/ml/jobs/a", "", "get jobs"},
		"log":                {"GET", "/api/v1/namespaces/ml/pods/p/log", "", "get pods/log"},
		"apply":              {"PATCH", "/apis/batch/v1/namespaces/ml/jobs/a", "", "patch jobs"},
		"create":             {"POST", "/apis/batch/v1/namespaces/ml/jobs", "", "create jobs"},
		"delete collection":  {"DELETE", "/api/v1/namespaces/ml/pods", "", "deletecollection pods"},
		"delete one":         {"DELETE", "/apis/batch/v1/namespaces/ml/jobs/a", "", "delete jobs"},
		"namespace":          {"GET", "/api/v1/namespaces/ml", "", "get namespaces"},
		"metrics":            {"GET", "/apis/metrics.k8s.io/v1beta1/namespaces/ml/pods", "", "list pods"},
		"discovery":          {"GET", "/apis", "", "get /apis"},
		"version":            {"GET", "/version", "", "get /version"},
		"update status":      {"PUT", "/apis/batch/v1/namespaces/ml/jobs/a/status", "", "update jobs/status"},
		"events of a series": {"GET", "/api/v1/namespaces/ml/events", "", "list events"},
	}
	for name, c := range cases {
		if got := RequestKind(c.method, c.path, c.watch); got != c.want {
			t.Errorf("%s: RequestKind(%s %s) = %q, want %q", name, c.method, c.path, got, c.want)
		}
	}
}

func TestRequestCounterWrap(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	var c RequestCounter
	client := &http.Client{Transport: c.Wrap(http.DefaultTransport)}
	for _, p := range []string{"/api/v1/namespaces/ml/pods", "/api/v1/namespaces/ml/pods", "/apis/batch/v1/namespaces/ml/jobs?watch=true"} {
		resp, err := client.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if got, want := c.String(), "2 list pods, 1 watch jobs"; got != want {
		t.Errorf("counts = %q, want %q", got, want)
	}
	if c.Total() != 3 {
		t.Errorf("Total = %d, want 3", c.Total())
	}
	if c.PeakOpen() != 1 {
		t.Errorf("PeakOpen = %d after sequential requests, want 1", c.PeakOpen())
	}
	if got := (&RequestCounter{}).String(); got != "0" {
		t.Errorf("empty counter = %q, want 0", got)
	}
}

func TestRequestCounterPeakOpen(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.(http.Flusher).Flush()
		<-release
	}))
	defer srv.Close()
	var c RequestCounter
	client := &http.Client{Transport: c.Wrap(http.DefaultTransport)}
	var bodies []io.ReadCloser
	for range 3 {
		resp, err := client.Get(srv.URL + "/api/v1/namespaces/ml/pods/p/log")
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, resp.Body)
	}
	close(release)
	for _, b := range bodies {
		b.Close()
		b.Close() // a second Close must not count twice
	}
	resp, err := client.Get(srv.URL + "/api/v1/namespaces/ml/pods/p/log")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if c.PeakOpen() != 3 {
		t.Errorf("PeakOpen = %d with 3 streams open at once, want 3", c.PeakOpen())
	}
}
