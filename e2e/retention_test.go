package e2e

import (
	"net/url"
	"testing"
	"time"
)

// TestRetention: with --retention, finished workflows disappear on their
// own, from search too; running ones stay.
func TestRetention(t *testing.T) {
	srv := startServer(t, "", "--retention", "1s")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/workflow", `{"name":"brief","tasks":[{"name":"brief_task","taskReferenceName":"a"}]}`).want(t, 200)
	done := string(do(t, "POST", u+"/workflow/brief", `{}`).want(t, 200).body)
	open := string(do(t, "POST", u+"/workflow/brief", `{}`).want(t, 200).body)
	do(t, "POST", u+"/tasks/"+done+"/a/COMPLETED", `{}`).want(t, 200)
	do(t, "GET", u+"/workflow/"+done, nil).want(t, 200)

	if !await(t, 15*time.Second, func() bool { return do(t, "GET", u+"/workflow/"+done, nil).status == 404 }) {
		t.Fatal("finished workflow still there 15s after a 1s retention")
	}
	do(t, "GET", u+"/workflow/"+done+"/events", nil).want(t, 404)
	do(t, "GET", u+"/workflow/"+open, nil).want(t, 200)
	byID := func(id string) int64 {
		return search(t, u, "/workflow/search", url.Values{"query": {`workflowId = "` + id + `"`}}).TotalHits
	}
	if !await(t, 10*time.Second, func() bool { return byID(done) == 0 && byID(open) == 1 }) {
		t.Errorf("search after retention: the removed workflow %d hits, the running one %d", byID(done), byID(open))
	}
}
