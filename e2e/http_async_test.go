package e2e

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// TestHTTPTaskAsyncComplete: an HTTP task with asyncComplete makes its call
// once and, after a 2xx, stays IN_PROGRESS with the response as output until
// the task update API completes it; then the workflow goes on.
func TestHTTPTaskAsyncComplete(t *testing.T) {
	var calls atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"accepted": true}`))
	}))
	defer api.Close()
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/taskdefs", `[{"name":"ha_next","retryCount":0}]`).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", `{"name":"http_async","tasks":[
	  {"name":"call","taskReferenceName":"call","type":"HTTP","asyncComplete":true,
	   "inputParameters":{"http_request":{"uri":"`+api.URL+`/go","method":"POST","body":{"a":1}}}},
	  {"name":"ha_next","taskReferenceName":"next"}]}`).want(t, 200)
	id := string(do(t, "POST", u+"/workflow/http_async", `{}`).want(t, 200).body)
	wf := awaitWorkflow(t, u, id, "called", func(wf view) bool {
		return wf.row("call").OutputData["response"] != nil
	})
	call := wf.row("call")
	if call.Status != "IN_PROGRESS" {
		t.Fatalf("call after a 2xx: %s, want IN_PROGRESS", call.Status)
	}
	if resp, _ := call.OutputData["response"].(map[string]any); resp["statusCode"] != 200.0 {
		t.Errorf("call output %v", call.OutputData)
	}
	// The sleep is the point: it must neither finish nor call again on its
	// own, and an absence has no condition to await.
	time.Sleep(300 * time.Millisecond)
	if wf := readWorkflow(t, u, id); wf.row("call").Status != "IN_PROGRESS" || wf.row("next").TaskID != "" || calls.Load() != 1 {
		t.Fatalf("call did not wait (%d calls): %+v", calls.Load(), wf.Tasks)
	}
	do(t, "POST", u+"/tasks/"+id+"/call/COMPLETED", `{"done":true}`).want(t, 200)
	if wf := driveFixture(t, u, id, []string{"ha_next"}); wf.Status != "COMPLETED" {
		t.Errorf("workflow %s (%s)", wf.Status, wf.ReasonForIncompletion)
	}
	if calls.Load() != 1 {
		t.Errorf("%d calls, want 1", calls.Load())
	}
	checkReplay(t, testCtx(t, time.Minute), srv, []string{id})
}
