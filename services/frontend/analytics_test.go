package frontend

import (
	"context"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/visibility"
	"github.com/legatohq/legato/pkg/visibility/sqlite"
)

// analyticsServer serves analytics from a real SQLite read model holding
// three workflows started in one hour: two COMPLETED (100 and 300 ms)
// and one FAILED (200 ms, "card declined").
func analyticsServer(t *testing.T) *Server {
	t.Helper()
	vs, err := sqlite.Open(sqlite.Options{Path: filepath.Join(t.TempDir(), "v.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := vs.Close(); err != nil {
			t.Error(err)
		}
	})
	const h = 1_700_000_000_000 / 3_600_000 * 3_600_000
	w := func(id, status string, dur int64, reason string) api.WorkflowSummary {
		return api.WorkflowSummary{WorkflowID: id, WorkflowType: "flow", Status: status, StartTime: h + 1000,
			EndTime: h + 1000 + dur, DurationMs: dur, FailureReason: reason, EventVersion: 1}
	}
	b := &visibility.Batch{Workflows: []api.WorkflowSummary{
		w("a", "COMPLETED", 100, ""), w("b", "FAILED", 200, "card declined"), w("c", "COMPLETED", 300, ""),
	}}
	if err := vs.Apply(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return newServer(t, Options{Search: vs, Analytics: vs})
}

func TestAnalyticsEndpoints(t *testing.T) {
	h := analyticsServer(t).Handler()
	for _, c := range []struct{ path, want string }{
		{"/api/workflow/count", `{"count":3}`},
		{"/api/workflow/count?groupBy=status&query=workflowType%3Dflow", `{"count":3,"groups":{"COMPLETED":2,"FAILED":1}}`},
		{"/api/workflow/count?groupBy=status&from=2023-11-15T00:00:00Z", `{"count":0,"groups":{}}`},
		{"/api/analytics/workflows/counts?interval=1h&groupBy=status",
			`{"interval":"1h","buckets":[{"time":"2023-11-14T22:00:00Z","counts":{"COMPLETED":2,"FAILED":1}}]}`},
		{"/api/analytics/workflows/counts?interval=1h&from=2023-11-14T21:00:00Z&to=2023-11-14T23:00:00Z",
			`{"interval":"1h","buckets":[{"time":"2023-11-14T21:00:00Z","counts":{}},{"time":"2023-11-14T22:00:00Z","counts":{"COMPLETED":2,"FAILED":1}}]}`},
		{"/api/analytics/workflows/durations?groupBy=workflowType&percentiles=50,%2099",
			`{"groups":[{"key":"flow","count":3,"avgMs":200,"maxMs":300,"percentiles":{"50":200,"99":300}}]}`},
		{"/api/analytics/tasks/durations", `{"groups":[]}`},
		{"/api/analytics/failures/top?limit=1", `{"groups":[{"reason":"card declined","count":1,"by":{"flow":1}}]}`},
	} {
		if r := do(t, h, "GET", c.path, "").want(t, 200); r.Body != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.path, r.Body, c.want)
		}
	}
	for _, c := range []struct{ path, msg string }{
		{"/api/workflow/count?groupBy=nope", "groupBy"},
		{"/api/workflow/count?query=" + url.QueryEscape("status ="), "at byte"},
		{"/api/analytics/workflows/counts?interval=0h", "interval"},
		{"/api/analytics/workflows/counts?interval=1s&from=1&to=86400001", "buckets"},
		{"/api/analytics/workflows/counts?from=yesterday", "from"},
		{"/api/analytics/workflows/counts?from=2&to=1", "from"},
		{"/api/analytics/workflows/durations?percentiles=50,x", "percentiles"},
		{"/api/analytics/workflows/durations?percentiles=101", "percentile"},
		{"/api/analytics/tasks/durations?metric=durationMs", "metric"},
		{"/api/analytics/failures/top?limit=0", "limit"},
		{"/api/analytics/failures/top?limit=1001", "limit"},
		{"/api/analytics/failures/top?groupBy=status", "groupBy"},
	} {
		do(t, h, "GET", c.path, "").wantError(t, 400, c.msg)
	}
}

func TestAnalyticsUnavailable(t *testing.T) {
	h := newServer(t, Options{}).Handler()
	for _, p := range []string{"/api/workflow/count", "/api/analytics/workflows/counts", "/api/analytics/workflows/durations",
		"/api/analytics/tasks/durations", "/api/analytics/failures/top"} {
		do(t, h, "GET", p, "").wantError(t, 503, "analytics")
	}
}
