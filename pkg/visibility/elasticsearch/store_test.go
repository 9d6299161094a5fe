package elasticsearch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/visibility"
)

// The client and the fake server run goroutines: Close and the fake's
// cleanup must stop them.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func wf(id string, version int64) api.WorkflowSummary {
	return api.WorkflowSummary{WorkflowID: id, WorkflowType: "wt", Status: "RUNNING", StartTime: 1700000000000, EventVersion: version}
}

// bulkIDs lists the op/id of each action in the bulk requests f got.
func bulkIDs(t *testing.T, f *fakeServer) [][]string {
	t.Helper()
	var out [][]string
	for _, r := range f.requests() {
		if r.Path != "/_bulk" {
			continue
		}
		out = append(out, parseActions(t, r.Body))
	}
	return out
}

func parseActions(t *testing.T, ndjson string) []string {
	t.Helper()
	var out []string
	lines := strings.Split(strings.TrimSuffix(ndjson, "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		switch {
		case strings.HasPrefix(lines[i], `{"index":`):
			out = append(out, "index/"+between(lines[i], `"_id":"`, `"`))
			i++ // the document
		case strings.HasPrefix(lines[i], `{"delete":`):
			out = append(out, "delete/"+between(lines[i], `"_id":"`, `"`))
		default:
			t.Fatalf("unexpected bulk line %q", lines[i])
		}
	}
	return out
}

func between(s, from, to string) string {
	_, s, _ = strings.Cut(s, from)
	s, _, _ = strings.Cut(s, to)
	return s
}

// TestApplyItemStatuses: 2xx and 409 (already newer) are done, a delete's
// 404 (nothing to remove) too; 429 and 5xx are resent alone until done;
// a 400 is dead-lettered without holding back the rest.
func TestApplyItemStatuses(t *testing.T) {
	f := newFakeServer(t)
	f.itemStatus = func(op, id string, attempt int) (int, string) {
		switch {
		case id == "conflict":
			return http.StatusConflict, "version_conflict_engine_exception"
		case id == "bad":
			return http.StatusBadRequest, "mapper_parsing_exception"
		case id == "busy" && attempt < 2:
			return http.StatusTooManyRequests, "es_rejected_execution_exception"
		case id == "flaky" && attempt < 1:
			return http.StatusServiceUnavailable, "unavailable_shards_exception"
		case op == "delete":
			return http.StatusNotFound, ""
		}
		return http.StatusCreated, ""
	}
	s := f.store(t, Options{})
	err := s.Apply(context.Background(), &visibility.Batch{
		Workflows: []api.WorkflowSummary{wf("ok", 1), wf("conflict", 1), wf("bad", 1), wf("busy", 1), wf("flaky", 1)},
		Removed:   []string{"gone"},
	})
	var ae *ApplyError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want an *ApplyError", err)
	}
	if !errors.Is(err, ErrRejected) || errors.Is(err, ErrUnavailable) {
		t.Errorf("err = %v: want ErrRejected and not ErrUnavailable", err)
	}
	if len(ae.Failed) != 0 || len(ae.Rejected) != 1 || ae.Rejected[0].ID != "bad" || ae.Rejected[0].Status != 400 {
		t.Errorf("rejected %v, failed %v: want only bad rejected", ae.Rejected, ae.Failed)
	}
	for _, part := range []string{"1 rejected", "legato-workflows/bad", "mapper_parsing_exception"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not mention %q", err, part)
		}
	}
	want := [][]string{
		{"index/ok", "index/conflict", "index/bad", "index/busy", "index/flaky", "delete/gone"},
		{"index/busy", "index/flaky"},
		{"index/busy"},
	}
	if got := bulkIDs(t, f); !reflect.DeepEqual(got, want) {
		t.Errorf("bulk requests:\n got %v\nwant %v", got, want)
	}
}

// TestApplyRetriesBounded: an item that keeps failing with 429 is resent
// MaxRetries times, then reported as not applied (ErrUnavailable), with
// the rest of the batch applied.
func TestApplyRetriesBounded(t *testing.T) {
	f := newFakeServer(t)
	f.itemStatus = func(op, id string, attempt int) (int, string) {
		if id == "hot" {
			return http.StatusTooManyRequests, "es_rejected_execution_exception"
		}
		return http.StatusOK, ""
	}
	s := f.store(t, Options{MaxRetries: 2})
	err := s.Apply(context.Background(), &visibility.Batch{Workflows: []api.WorkflowSummary{wf("hot", 1), wf("cold", 1)}})
	var ae *ApplyError
	if !errors.As(err, &ae) || !errors.Is(err, ErrUnavailable) || errors.Is(err, ErrRejected) {
		t.Fatalf("err = %v, want an *ApplyError that is ErrUnavailable only", err)
	}
	if len(ae.Failed) != 1 || ae.Failed[0].ID != "hot" || ae.Attempts != 3 {
		t.Errorf("failed %v after %d attempts, want hot after 3", ae.Failed, ae.Attempts)
	}
	if !strings.Contains(err.Error(), "1 not applied after 3 attempts") || !strings.Contains(err.Error(), "/hot") {
		t.Errorf("error %q does not name the item and attempts", err)
	}
	if got := len(bulkIDs(t, f)); got != 3 {
		t.Errorf("%d bulk requests, want 3", got)
	}
}

// TestApplyChunks: a batch over MaxBulkBytes goes in several requests,
// each item in exactly one, in order; failures of all chunks are
// reported together.
func TestApplyChunks(t *testing.T) {
	f := newFakeServer(t)
	f.itemStatus = func(op, id string, attempt int) (int, string) {
		if id == "w01" || id == "w18" {
			return http.StatusBadRequest, "mapper_parsing_exception"
		}
		return http.StatusCreated, ""
	}
	s := f.store(t, Options{MaxBulkBytes: 1 << 10})
	var b visibility.Batch
	var want []string
	for i := range 20 {
		w := wf(fmt.Sprintf("w%02d", i), 1)
		w.Input = strings.Repeat("x", 200)
		b.Workflows = append(b.Workflows, w)
		want = append(want, "index/"+w.WorkflowID)
	}
	err := s.Apply(context.Background(), &b)
	var ae *ApplyError
	if !errors.As(err, &ae) || len(ae.Rejected) != 2 || ae.Rejected[0].ID != "w01" || ae.Rejected[1].ID != "w18" {
		t.Fatalf("err = %v, want w01 and w18 rejected", err)
	}
	requests := bulkIDs(t, f)
	if len(requests) < 2 {
		t.Fatalf("%d bulk requests, want several", len(requests))
	}
	var got []string
	for _, r := range requests {
		if len(r) > 1 && len(r)*(200+actionOverhead) > 1<<10 {
			t.Errorf("a request of %d actions exceeds MaxBulkBytes", len(r))
		}
		got = append(got, r...)
	}
	if !slices.Equal(got, want) {
		t.Errorf("actions sent:\n got %v\nwant %v", got, want)
	}
}

// TestApplyCanceledWhileWaiting: a canceled context ends the backoff.
func TestApplyCanceledWhileWaiting(t *testing.T) {
	f := newFakeServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	f.itemStatus = func(string, string, int) (int, string) {
		cancel() // before Apply waits to retry
		return http.StatusServiceUnavailable, "unavailable_shards_exception"
	}
	s := f.store(t, Options{RetryBackoff: time.Hour})
	err := s.Apply(ctx, &visibility.Batch{Workflows: []api.WorkflowSummary{wf("a", 1)}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// TestApplyRemoval: the removed workflow is deleted in the bulk, then its
// tasks by query, after a refresh that makes recent tasks findable.
func TestApplyRemoval(t *testing.T) {
	f := newFakeServer(t)
	s := f.store(t, Options{Refresh: "wait_for"})
	if err := s.Apply(context.Background(), &visibility.Batch{Removed: []string{"w1"}}); err != nil {
		t.Fatal(err)
	}
	f.expectRequests(t,
		"POST /_bulk?refresh=wait_for",
		"POST /legato-tasks/_refresh",
		"POST /legato-tasks/_delete_by_query?conflicts=proceed&refresh=true",
	)
}

// TestApplyEmpty sends nothing.
func TestApplyEmpty(t *testing.T) {
	f := newFakeServer(t)
	if err := f.store(t, Options{}).Apply(context.Background(), &visibility.Batch{}); err != nil {
		t.Fatal(err)
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests for an empty batch", n)
	}
}

// TestApplyRequestFailed: a bulk refused as a whole is an ErrRequest
// naming Elasticsearch's error, not an ApplyError.
func TestApplyRequestFailed(t *testing.T) {
	f := newFakeServer(t)
	f.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		w.Write([]byte(`{"error":{"type":"content_too_long","reason":"request too large"},"status":413}`))
	})
	err := f.store(t, Options{}).Apply(context.Background(), &visibility.Batch{Workflows: []api.WorkflowSummary{wf("a", 1)}})
	if !errors.Is(err, ErrRequest) || !strings.Contains(err.Error(), "413") || !strings.Contains(err.Error(), "content_too_long") {
		t.Fatalf("err = %v, want ErrRequest naming 413 content_too_long", err)
	}
}

// TestSearchFallsBackOnParseError: free text that query_string cannot
// parse is searched again as simple_query_string; other errors are not.
func TestSearchFallsBackOnParseError(t *testing.T) {
	f := newFakeServer(t)
	hit := wf("w1", 3)
	hit.TaskToDomain = map[string]string{"a": "b"}
	f.search = func(body map[string]any) (int, string) {
		if strings.Contains(mustJSON(t, body), `"query_string"`) {
			return http.StatusBadRequest, `{"error":{"root_cause":[{"type":"query_shard_exception","reason":"Failed to parse query [(x AND]"}],` +
				`"type":"search_phase_execution_exception","reason":"all shards failed"},"status":400}`
		}
		doc, err := workflows.document(&hit)
		if err != nil {
			t.Fatal(err)
		}
		return http.StatusOK, `{"hits":{"total":{"value":42,"relation":"eq"},"hits":[{"_id":"w1","_source":` + string(doc) + `}]}}`
	}
	s := f.store(t, Options{})
	p, err := s.SearchWorkflows(context.Background(), visibility.Query{FreeText: "(x AND"})
	if err != nil {
		t.Fatal(err)
	}
	if p.TotalHits != 42 || !reflect.DeepEqual(p.Results, []api.WorkflowSummary{hit}) {
		t.Errorf("page %+v, want 42 hits with %+v", p, hit)
	}
	if n := len(f.requests()); n != 2 {
		t.Errorf("%d requests, want the query_string and the simple_query_string", n)
	}

	f.search = func(map[string]any) (int, string) {
		return http.StatusBadRequest, `{"error":{"root_cause":[{"type":"illegal_argument_exception","reason":"no mapping"}],"type":"search_phase_execution_exception","reason":"all shards failed"},"status":400}`
	}
	before := len(f.requests())
	_, err = s.SearchTasks(context.Background(), visibility.Query{FreeText: "x"})
	if !errors.Is(err, ErrRequest) || !strings.Contains(err.Error(), "search_phase_execution_exception") {
		t.Errorf("err = %v, want ErrRequest", err)
	}
	if n := len(f.requests()) - before; n != 1 {
		t.Errorf("%d requests for a non-parse error, want 1", n)
	}
}

// TestSearchInvalidQuery fails before any request.
func TestSearchInvalidQuery(t *testing.T) {
	f := newFakeServer(t)
	_, err := f.store(t, Options{}).SearchWorkflows(context.Background(), visibility.Query{Query: "nosuch = 1"})
	if !errors.Is(err, visibility.ErrInvalidQuery) {
		t.Fatalf("err = %v, want ErrInvalidQuery", err)
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests for an invalid query", n)
	}
}

// TestEnsureIndices puts the templates, then creates each index whose
// alias is missing, and tolerates another node having just created it.
func TestEnsureIndices(t *testing.T) {
	f := newFakeServer(t)
	f.head = func(path string) int {
		if path == "/acme-tasks" {
			return http.StatusOK
		}
		return http.StatusNotFound
	}
	s := f.store(t, Options{IndexPrefix: "acme"})
	if err := s.EnsureIndices(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.expectRequests(t,
		"PUT /_component_template/acme-settings",
		"PUT /_index_template/acme-workflows",
		"PUT /_index_template/acme-tasks",
		"HEAD /acme-workflows",
		"PUT /acme-workflows-v1",
		"HEAD /acme-tasks",
	)
}

func TestOptionsValidate(t *testing.T) {
	for _, c := range []struct {
		opts  Options
		field string
	}{
		{Options{}, "URLs"},
		{Options{URLs: []string{"http://x"}, IndexPrefix: "Legato"}, "IndexPrefix"},
		{Options{URLs: []string{"http://x"}, IndexPrefix: "-x"}, "IndexPrefix"},
		{Options{URLs: []string{"http://x"}, APIKey: "k", Username: "u"}, "APIKey"},
		{Options{URLs: []string{"http://x"}, Password: "p"}, "Password"},
		{Options{URLs: []string{"http://x"}, Refresh: "false"}, "Refresh"},
		{Options{URLs: []string{"http://x"}, MaxRetries: -1}, "MaxRetries"},
		{Options{URLs: []string{"http://x"}, RetryBackoff: time.Microsecond}, "RetryBackoff"},
		{Options{URLs: []string{"http://x"}, MaxBulkBytes: 100}, "MaxBulkBytes"},
	} {
		_, err := New(c.opts)
		if !errors.Is(err, ErrInvalidOptions) || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%+v: err = %v, want ErrInvalidOptions naming %s", c.opts, err, c.field)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
