package kube

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
)

// CountRequestsEnv is the environment variable that makes the plugin count
// its API requests by verb and resource and print them to stderr at exit
// ("requests: 2 list jobs, 1 list pods"), so that a benchmark can show how
// many calls a command makes instead of assuming it.
const CountRequestsEnv = "MLEXP_COUNT_REQUESTS"

// Requests counts the API requests of every client a FlagsGetter builds
// while CountRequestsEnv is set.
var Requests = &RequestCounter{}

// RequestCounter counts HTTP requests to the API server by verb and
// resource, and the most that were open at once (a watch or a log stream
// is open until its body is closed); it is safe for concurrent use.
type RequestCounter struct {
	mu       sync.Mutex
	n        map[string]int
	open     int
	peakOpen int
}

// Wrap returns rt counting every request it sends.
func (c *RequestCounter) Wrap(rt http.RoundTripper) http.RoundTripper {
	return roundTripperFunc(func(req *http.Request) (*http.Response, error) {
		c.Add(RequestKind(req.Method, req.URL.Path, req.URL.Query().Get("watch")))
		c.opened(1)
		resp, err := rt.RoundTrip(req)
		if err != nil || resp.Body == nil {
			c.opened(-1)
			return resp, err
		}
		resp.Body = &countedBody{ReadCloser: resp.Body, c: c}
		return resp, nil
	})
}

func (c *RequestCounter) opened(d int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.open += d
	c.peakOpen = max(c.peakOpen, c.open)
}

// PeakOpen returns the most requests that were open at once.
func (c *RequestCounter) PeakOpen() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.peakOpen
}

// countedBody ends its request's count as open when closed.
type countedBody struct {
	io.ReadCloser
	c    *RequestCounter
	once sync.Once
}

func (b *countedBody) Close() error {
	b.once.Do(func() { b.c.opened(-1) })
	return b.ReadCloser.Close()
}

// Add counts one request of kind ("list jobs", "create jobs", ...).
func (c *RequestCounter) Add(kind string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[kind]++
}

// Counts returns a copy of the counts by kind.
func (c *RequestCounter) Counts() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.n))
	maps.Copy(out, c.n)
	return out
}

// Total returns the number of requests counted.
func (c *RequestCounter) Total() int {
	n := 0
	for _, v := range c.Counts() {
		n += v
	}
	return n
}

// String renders the counts as "N kind, ..." sorted by kind, or "0".
func (c *RequestCounter) String() string {
	counts := c.Counts()
	kinds := make([]string, 0, len(counts))
	for k := range counts {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%d %s", counts[k], k)
	}
	if len(parts) == 0 {
		return "0"
	}
	return strings.Join(parts, ", ")
}

// CountingRequests reports whether CountRequestsEnv asks for counting.
func CountingRequests() bool {
	v := os.Getenv(CountRequestsEnv)
	return v != "" && v != "0"
}

// PrintRequests writes "requests: N (KIND, ...), at most M open at once"
// to w when CountRequestsEnv is set.
func PrintRequests(w io.Writer) {
	if CountingRequests() {
		fmt.Fprintf(w, "requests: %d (%s), at most %d open at once\n", Requests.Total(), Requests, Requests.PeakOpen())
	}
}

// RequestKind names an API request by verb and resource as the API server's
// metrics do: "list jobs", "get pods/log", "watch pods", "deletecollection
// jobs". Paths that are not resources (/version, /api, discovery) keep
// their path: "get /apis".
func RequestKind(method, path, watch string) string {
	resource, named := resourceOf(path)
	if resource == "" {
		return strings.ToLower(method) + " " + path
	}
	var verb string
	switch method {
	case http.MethodGet:
		switch {
		case watch == "true" || watch == "1":
			verb = "watch"
		case named:
			verb = "get"
		default:
			verb = "list"
		}
	case http.MethodPost:
		verb = "create"
	case http.MethodPut:
		verb = "update"
	case http.MethodPatch:
		verb = "patch"
	case http.MethodDelete:
		verb = "delete"
		if !named {
			verb = "deletecollection"
		}
	default:
		verb = strings.ToLower(method)
	}
	return verb + " " + resource
}

// resourceOf parses /api/v1/[namespaces/NS/]RESOURCE[/NAME[/SUB]] and
// /apis/GROUP/VERSION/... into the resource ("pods", "pods/log") and
// whether a single object is named.
func resourceOf(path string) (resource string, named bool) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	switch {
	case len(parts) >= 3 && parts[0] == "api":
		parts = parts[2:]
	case len(parts) >= 4 && parts[0] == "apis":
		parts = parts[3:]
	default:
		return "", false
	}
	if len(parts) >= 3 && parts[0] == "namespaces" {
		parts = parts[2:]
	}
	switch len(parts) {
	case 1:
		return parts[0], false
	case 2:
		return parts[0], true
	case 3:
		return parts[0] + "/" + parts[2], true
	}
	return "", false
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
