package kube

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/kubernetes/scheme"
)

// request is what shapeServer saw of one request.
type request struct {
	Method, Path, Accept, ContentType string
}

// shapeServer is an API server that records every request and answers
// List of Jobs: in protobuf when asked for it, as a PartialObjectMetadataList
// when asked for metadata only, else in JSON.
type shapeServer struct {
	*httptest.Server
	mu   sync.Mutex
	seen []request
}

func newShapeServer(t *testing.T) *shapeServer {
	s := &shapeServer{}
	job := batchv1.Job{TypeMeta: metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: metav1.ObjectMeta{Name: "t-0", Namespace: "ns", Labels: map[string]string{"e": "x"},
			Annotations: map[string]string{"hash": "h0"}}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.seen = append(s.seen, request{r.Method, r.URL.Path, r.Header.Get("Accept"), r.Header.Get("Content-Type")})
		s.mu.Unlock()
		if r.Method != http.MethodGet || r.URL.Path != "/apis/batch/v1/namespaces/ns/jobs" {
			http.Error(w, "not here", http.StatusNotFound)
			return
		}
		accept := r.Header.Get("Accept")
		switch {
		case strings.Contains(accept, "as=PartialObjectMetadataList"):
			l := metav1.PartialObjectMetadataList{TypeMeta: metav1.TypeMeta{APIVersion: "meta.k8s.io/v1", Kind: "PartialObjectMetadataList"},
				Items: []metav1.PartialObjectMetadata{{TypeMeta: metav1.TypeMeta{APIVersion: "meta.k8s.io/v1", Kind: "PartialObjectMetadata"}, ObjectMeta: job.ObjectMeta}}}
			w.Header().Set("Content-Type", "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1")
			_ = json.NewEncoder(w).Encode(l)
		case strings.HasPrefix(accept, runtime.ContentTypeProtobuf):
			l := &batchv1.JobList{TypeMeta: metav1.TypeMeta{APIVersion: "batch/v1", Kind: "JobList"}, Items: []batchv1.Job{job}}
			var buf bytes.Buffer
			if err := protobuf.NewSerializer(scheme.Scheme, scheme.Scheme).Encode(l, &buf); err != nil {
				t.Error(err)
			}
			w.Header().Set("Content-Type", runtime.ContentTypeProtobuf)
			_, _ = w.Write(buf.Bytes())
		default:
			w.Header().Set("Content-Type", runtime.ContentTypeJSON)
			_ = json.NewEncoder(w).Encode(batchv1.JobList{TypeMeta: metav1.TypeMeta{APIVersion: "batch/v1", Kind: "JobList"}, Items: []batchv1.Job{job}})
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *shapeServer) requests() []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]request(nil), s.seen...)
}

// getterFor returns the FlagsGetter of a kubeconfig naming s.
func (s *shapeServer) getter(t *testing.T) *FlagsGetter {
	path := filepath.Join(t.TempDir(), "config")
	cfg := strings.Replace(kubeconfig, "https://127.0.0.1:1", s.URL, 1)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	flags := genericclioptions.NewConfigFlags(true)
	flags.KubeConfig = &path
	return NewFlagsGetter(flags)
}

// TestTypedListsAskForProtobuf: the typed client of a FlagsGetter asks for
// protobuf and decodes it; a regression to JSON fails here.
func TestTypedListsAskForProtobuf(t *testing.T) {
	s := newShapeServer(t)
	c, err := s.getter(t).KubernetesClientSet()
	if err != nil {
		t.Fatal(err)
	}
	jobs, err := ListJobs(context.Background(), c, "ns", "e=x")
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || jobs[0].Name != "t-0" || jobs[0].Annotations["hash"] != "h0" {
		t.Errorf("jobs = %+v, want t-0 with its annotation", jobs)
	}
	seen := s.requests()
	if len(seen) != 1 || !strings.HasPrefix(seen[0].Accept, runtime.ContentTypeProtobuf) {
		t.Errorf("requests = %+v, want one List accepting %s first", seen, runtime.ContentTypeProtobuf)
	}
}

// TestJobMetaListsMetadataOnly: ListJobMeta asks the metadata API, in
// protobuf, and reads names and annotations from it; a regression to full
// Jobs fails here.
func TestJobMetaListsMetadataOnly(t *testing.T) {
	s := newShapeServer(t)
	c, err := s.getter(t).KubernetesClientSet()
	if err != nil {
		t.Fatal(err)
	}
	metas, err := ListJobMeta(context.Background(), c, "ns", "e=x")
	if err != nil {
		t.Fatal(err)
	}
	if len(metas) != 1 || metas[0].Name != "t-0" || metas[0].Annotations["hash"] != "h0" {
		t.Errorf("metadata = %+v, want t-0 with its annotation", metas)
	}
	seen := s.requests()
	want := runtime.ContentTypeProtobuf + ";as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"
	if len(seen) != 1 || !strings.HasPrefix(seen[0].Accept, want) {
		t.Errorf("requests = %+v, want one List accepting %s first", seen, want)
	}
}
