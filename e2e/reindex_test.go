package e2e

import (
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReindex: with the search index deleted, `legato reindex` on the
// stopped server's data directory rebuilds it from the event store, and
// refuses to run while the server holds the data directory.
func TestReindex(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/taskdefs", `[{"name":"rx_work","retryCount":0}]`).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", `{"name":"rx_flow","version":1,"tasks":[{"name":"rx_work","taskReferenceName":"w"}]}`).want(t, 200)
	const n = 30
	for range n {
		do(t, "POST", u+"/workflow/rx_flow", `{}`).want(t, 200)
	}
	for range n / 2 {
		tk := pollOne(t, u, "rx_work")
		do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": tk.WorkflowInstanceID, "taskId": tk.TaskID, "status": "COMPLETED"}).want(t, 200)
	}
	reindex := func() (string, error) {
		out, err := exec.Command(legatoBin, "reindex", "--data", srv.Data, "--batch", "7").CombinedOutput()
		return string(out), err
	}
	if out, err := reindex(); err == nil || !strings.Contains(out, "is the server still running?") {
		t.Fatalf("reindex beside a running server: %v\n%s", err, out)
	}
	srv.stop()
	if err := os.Remove(filepath.Join(srv.Data, "visibility.db")); err != nil {
		t.Fatal(err)
	}
	out, err := reindex()
	if err != nil || !strings.Contains(out, "reindexed 30 workflows") {
		t.Fatalf("reindex: %v\n%s", err, out)
	}
	t.Log(strings.TrimSpace(out))

	srv = startServer(t, srv.Data)
	u = srv.URL + "/api"
	count := func(query string) int64 {
		return search(t, u, "/workflow/search", url.Values{"query": {query}, "size": {"1"}}).TotalHits
	}
	// The indexer may be applying rows left in the outbox too: both agree.
	if !await(t, 10*time.Second, func() bool { return count("workflowType = rx_flow") == n }) {
		t.Fatalf("%d of %d workflows searchable after the reindex", count("workflowType = rx_flow"), n)
	}
	if c := count("workflowType = rx_flow AND status = COMPLETED"); c != n/2 {
		t.Errorf("%d COMPLETED, want %d", c, n/2)
	}
	if p := search(t, u, "/tasks/search", url.Values{"query": {"taskType = rx_work"}, "size": {"1"}}); p.TotalHits != n {
		t.Errorf("%d tasks searchable, want %d", p.TotalHits, n)
	}
}
