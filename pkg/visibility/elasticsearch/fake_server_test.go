package elasticsearch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeServer is a stand-in that answers the few requests the store makes
// in Elasticsearch's response formats, with statuses a test chooses. It
// is not Elasticsearch: it stores nothing and evaluates no query, so
// tests against it check the store's handling of answers, never search
// semantics (the contract suite needs a real server).
type fakeServer struct {
	*httptest.Server
	// itemStatus answers one bulk item: its status and, for errors, the
	// error type. attempt counts the item's sends from 0.
	itemStatus func(op, id string, attempt int) (status int, errType string)
	// search answers a _search body.
	search func(body map[string]any) (status int, answer string)
	// head answers HEAD /<alias>.
	head func(path string) int

	mu struct {
		sync.Mutex
		requests []fakeRequest
		attempts map[string]int // op/id → sends so far
	}
}

// fakeRequest is one request the fake answered.
type fakeRequest struct {
	Method, Path, Query string
	Body                string
}

func (r fakeRequest) String() string {
	s := r.Method + " " + r.Path
	if r.Query != "" {
		s += "?" + r.Query
	}
	return s
}

func newFakeServer(t *testing.T) *fakeServer {
	f := &fakeServer{
		itemStatus: func(string, string, int) (int, string) { return http.StatusCreated, "" },
		search: func(map[string]any) (int, string) {
			return http.StatusOK, `{"hits":{"total":{"value":0,"relation":"eq"},"hits":[]}}`
		},
		head: func(string) int { return http.StatusNotFound },
	}
	f.mu.attempts = map[string]int{}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// store opens a store on f with fast retries.
func (f *fakeServer) store(t *testing.T, opts Options) *Store {
	t.Helper()
	opts.URLs = []string{f.URL}
	if opts.RetryBackoff == 0 {
		opts.RetryBackoff = time.Millisecond
	}
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func (f *fakeServer) requests() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeRequest(nil), f.mu.requests...)
}

// expectRequests checks the method, path and query of every request f
// got, in order.
func (f *fakeServer) expectRequests(t *testing.T, want ...string) {
	t.Helper()
	var got []string
	for _, r := range f.requests() {
		got = append(got, r.String())
	}
	if !slices.Equal(got, want) {
		t.Errorf("requests:\n got %v\nwant %v", got, want)
	}
}

func (f *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.mu.requests = append(f.mu.requests, fakeRequest{r.Method, r.URL.Path, r.URL.RawQuery, string(body)})
	f.mu.Unlock()
	// The client refuses servers that do not say they are Elasticsearch.
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.URL.Path == "/_bulk":
		f.bulk(w, body)
	case strings.HasSuffix(r.URL.Path, "/_search"):
		var b map[string]any
		_ = json.Unmarshal(body, &b)
		status, answer := f.search(b)
		w.WriteHeader(status)
		io.WriteString(w, answer)
	case strings.HasSuffix(r.URL.Path, "/_delete_by_query"):
		io.WriteString(w, `{"took":1,"deleted":1,"version_conflicts":0,"failures":[]}`)
	case r.Method == http.MethodHead:
		w.WriteHeader(f.head(r.URL.Path))
	default: // _refresh, template and index PUTs
		io.WriteString(w, `{"acknowledged":true}`)
	}
}

func (f *fakeServer) bulk(w http.ResponseWriter, body []byte) {
	var items []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var meta map[string]struct {
			ID string `json:"_id"`
		}
		if err := json.Unmarshal(sc.Bytes(), &meta); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for op, m := range meta {
			if op == "index" {
				sc.Scan() // the document
			}
			f.mu.Lock()
			attempt := f.mu.attempts[op+"/"+m.ID]
			f.mu.attempts[op+"/"+m.ID]++
			f.mu.Unlock()
			status, errType := f.itemStatus(op, m.ID, attempt)
			item := map[string]any{"_id": m.ID, "_index": "fake", "status": status}
			if errType != "" {
				item["error"] = map[string]any{"type": errType, "reason": fmt.Sprintf("fake %s for %s", errType, m.ID)}
			}
			items = append(items, map[string]any{op: item})
		}
	}
	json.NewEncoder(w).Encode(map[string]any{"took": 1, "errors": true, "items": items})
}
