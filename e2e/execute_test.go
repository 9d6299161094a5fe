package e2e

import (
	"testing"
	"time"
)

// TestExecuteSync: POST /api/workflow/execute answers when the workflow
// ends, when a listed task finishes, or with signalTimeout after the wait.
func TestExecuteSync(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/workflow", `{"name":"quick","tasks":[
	  {"name":"calc","taskReferenceName":"calc","type":"SET_VARIABLE","inputParameters":{"x":"${workflow.input.x}"}},
	  {"name":"later","taskReferenceName":"later"}],
	  "outputParameters":{"x":"${workflow.variables.x}"}}`).want(t, 200)

	var r map[string]any
	// Waits for "calc" only: answers while "later" is still scheduled.
	do(t, "POST", u+"/workflow/execute/quick/1?waitUntilTaskRef=calc&waitForSeconds=5&requestId=r1", `{"input":{"x":7}}`).
		want(t, 200).json(t, &r)
	if r["status"] != "RUNNING" || r["signalTimeout"] != false || r["requestId"] != "r1" || r["responseType"] != "TARGET_WORKFLOW" {
		t.Fatalf("execute until calc: %v", r)
	}
	first := r["workflowId"].(string)

	// Nothing it waits for happens within the time: signalTimeout.
	start := time.Now()
	do(t, "POST", u+"/workflow/execute/quick/0?waitForSeconds=1", `{"input":{"x":1}}`).want(t, 200).json(t, &r)
	if r["signalTimeout"] != true || r["status"] != "RUNNING" || time.Since(start) < time.Second {
		t.Fatalf("execute with timeout: %v after %v", r["signalTimeout"], time.Since(start))
	}
	for _, id := range []string{first, r["workflowId"].(string)} {
		do(t, "POST", u+"/tasks/"+id+"/later/COMPLETED", `{}`).want(t, 200)
	}

	// Completing the worker task from outside ends it; the answer is the
	// finished workflow.
	done := make(chan map[string]any, 1)
	go func() {
		var r map[string]any
		do(t, "POST", u+"/workflow/execute/quick/1?waitForSeconds=10", `{"input":{"x":3}}`).want(t, 200).json(t, &r)
		done <- r
	}()
	var task []map[string]any
	for len(task) == 0 {
		do(t, "GET", u+"/tasks/poll/batch/later?workerid=w&timeout=1000", nil).want(t, 200).json(t, &task)
	}
	do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": task[0]["workflowInstanceId"], "taskId": task[0]["taskId"], "status": "COMPLETED"}).want(t, 200)
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("execute did not answer after the workflow completed")
	}
	if r["status"] != "COMPLETED" || r["output"].(map[string]any)["x"] != 3.0 || r["signalTimeout"] != false {
		t.Fatalf("execute until completion: %v %v", r["status"], r["output"])
	}
	do(t, "POST", u+"/workflow/execute/nope/1", `{}`).want(t, 404)
}
