package systask

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/workflow"
)

// TestHTTPTask: the runners call the endpoint an HTTP task names and
// report its response; asyncComplete leaves the task IN_PROGRESS after a
// successful call; an input without http_request fails for good.
func TestHTTPTask(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/price" {
			http.Error(w, "no such thing", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"price": 12.5}`))
	}))
	defer srv.Close()
	call := func(name, path string, async bool) *workflow.WorkflowDef {
		return &workflow.WorkflowDef{Name: name, Version: 1, Tasks: []*workflow.WorkflowTask{{Name: "get",
			TaskReferenceName: "get", Type: workflow.TaskTypeHTTP, InputParameters: map[string]any{
				"asyncComplete": async,
				"http_request":  map[string]any{"uri": srv.URL + path, "method": "GET"}}}}}
	}
	bad := &workflow.WorkflowDef{Name: "bad", Version: 1, Tasks: []*workflow.WorkflowTask{{Name: "get",
		TaskReferenceName: "get", Type: workflow.TaskTypeHTTP, InputParameters: map[string]any{"nothing": 1}}}}
	e := startEngine(t, true, call("price", "/price", false), call("missing", "/missing", false),
		call("async", "/price", true), bad)

	wf := e.await(t, e.start(t, &api.StartWorkflowRequest{Name: "price"}), ended)
	get := row(t, wf, "get")
	resp, _ := get.OutputData["response"].(map[string]any)
	body, _ := resp["body"].(map[string]any)
	if wf.Status != api.WorkflowCompleted || fmt.Sprint(resp["statusCode"]) != "200" || fmt.Sprint(body["price"]) != "12.5" || get.WorkerID != api.SystemWorkerID {
		t.Errorf("workflow %s, task by %q, output %v", wf.Status, get.WorkerID, get.OutputData)
	}

	wf = e.await(t, e.start(t, &api.StartWorkflowRequest{Name: "missing"}), ended)
	if get := row(t, wf, "get"); wf.Status != api.WorkflowFailed || get.Status != api.TaskFailed {
		t.Errorf("404: workflow %s, task %s %q", wf.Status, get.Status, get.ReasonForIncompletion)
	}

	id := e.start(t, &api.StartWorkflowRequest{Name: "async"})
	wf = e.await(t, id, func(wf *api.Workflow) bool { return len(wf.Tasks) == 1 && wf.Tasks[0].OutputData["response"] != nil })
	if get := row(t, wf, "get"); wf.Status != api.WorkflowRunning || get.Status != api.TaskInProgress {
		t.Errorf("asyncComplete: workflow %s, task %s", wf.Status, get.Status)
	}

	wf = e.await(t, e.start(t, &api.StartWorkflowRequest{Name: "bad"}), ended)
	if get := row(t, wf, "get"); get.Status != api.TaskFailedWithTerminalError || get.ReasonForIncompletion == "" {
		t.Errorf("no http_request: task %s %q", get.Status, get.ReasonForIncompletion)
	}
}
