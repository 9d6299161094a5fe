package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestOperatorControls drives pause/resume, terminate-remove and the bulk
// endpoints over HTTP.
func TestOperatorControls(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/taskdefs", `[{"name":"op_a"},{"name":"op_b"}]`).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", `{"name":"ops","tasks":[{"name":"op_a","taskReferenceName":"a"},{"name":"op_b","taskReferenceName":"b"}]}`).want(t, 200)
	start := func() string { return string(do(t, "POST", u+"/workflow/ops", `{}`).want(t, 200).body) }
	status := func(id string) string {
		var wf map[string]any
		do(t, "GET", u+"/workflow/"+id, nil).want(t, 200).json(t, &wf)
		return wf["status"].(string)
	}

	// Pause: completing the open task schedules nothing until resume.
	id := start()
	do(t, "PUT", u+"/workflow/"+id+"/pause", nil).want(t, 200)
	if s := status(id); s != "PAUSED" {
		t.Fatalf("after pause: %s", s)
	}
	do(t, "PUT", u+"/workflow/"+id+"/pause", nil).want(t, 200) // no-op
	do(t, "POST", u+"/tasks/"+id+"/a/COMPLETED", `{"done":true}`).want(t, 200)
	var none []any
	do(t, "GET", u+"/tasks/poll/batch/op_b?workerid=w&timeout=200", nil).want(t, 200).json(t, &none)
	if len(none) != 0 {
		t.Fatalf("a paused workflow scheduled %v", none)
	}
	var wf map[string]any
	do(t, "GET", u+"/workflow/"+id, nil).want(t, 200).json(t, &wf)
	if wf["status"] != "PAUSED" || len(wf["tasks"].([]any)) != 1 {
		t.Fatalf("paused workflow: status %v, %d tasks", wf["status"], len(wf["tasks"].([]any)))
	}

	do(t, "PUT", u+"/workflow/"+id+"/resume", nil).want(t, 200)
	do(t, "PUT", u+"/workflow/"+id+"/resume", nil).want(t, 409).errorBody(t, "PAUSED")
	var tk map[string]any
	do(t, "GET", u+"/tasks/poll/batch/op_b?workerid=w&timeout=2000", nil).want(t, 200).json(t, &[]any{&tk})
	if tk["workflowInstanceId"] != id || tk["referenceTaskName"] != "b" {
		t.Fatalf("after resume polled %v", tk)
	}
	do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": id, "taskId": tk["taskId"], "status": "COMPLETED"}).want(t, 200)
	if s := status(id); s != "COMPLETED" {
		t.Fatalf("after the last task: %s", s)
	}
	do(t, "PUT", u+"/workflow/"+id+"/pause", nil).want(t, 409).errorBody(t, "COMPLETED")
	do(t, "PUT", u+"/workflow/"+id+"/resume", nil).want(t, 409)
	do(t, "PUT", u+"/workflow/no-such-id/pause", nil).want(t, 404)
	do(t, "PUT", u+"/workflow/no-such-id/resume", nil).want(t, 404)

	// Terminate works on a paused workflow.
	paused := start()
	do(t, "PUT", u+"/workflow/"+paused+"/pause", nil).want(t, 200)
	do(t, "DELETE", u+"/workflow/"+paused+"?reason=ops", nil).want(t, 200)
	if s := status(paused); s != "TERMINATED" {
		t.Fatalf("terminated paused workflow: %s", s)
	}

	// terminate-remove.
	gone := start()
	do(t, "DELETE", u+"/workflow/"+gone+"/terminate-remove?reason=cleanup", nil).want(t, 200)
	do(t, "GET", u+"/workflow/"+gone, nil).want(t, 404)
	do(t, "DELETE", u+"/workflow/"+gone+"/terminate-remove", nil).want(t, 404)

	// Bulk.
	b1, b2 := start(), start()
	type bulk struct {
		Ok   []string          `json:"bulkSuccessfulResults"`
		Errs map[string]string `json:"bulkErrorResults"`
	}
	check := func(c call, what string) {
		t.Helper()
		var r bulk
		c.want(t, 200).json(t, &r)
		if strings.Join(r.Ok, ",") != b1+","+b2 || len(r.Errs) != 1 || r.Errs["nope"] == "" {
			t.Fatalf("bulk %s: %s", what, c.body)
		}
	}
	ids := []string{b1, b2, "nope"}
	check(do(t, "PUT", u+"/workflow/bulk/pause", ids), "pause")
	for _, b := range []string{b1, b2} {
		if s := status(b); s != "PAUSED" {
			t.Fatalf("bulk paused %s: %s", b, s)
		}
	}
	check(do(t, "PUT", u+"/workflow/bulk/resume", ids), "resume")
	if s := status(b1); s != "RUNNING" {
		t.Fatalf("bulk resumed: %s", s)
	}
	var r bulk
	do(t, "PUT", u+"/workflow/bulk/resume", []string{b1}).want(t, 200).json(t, &r)
	if len(r.Ok) != 0 || !strings.Contains(r.Errs[b1], "PAUSED") {
		t.Fatalf("bulk resume of a running workflow: %+v", r)
	}
	check(do(t, "POST", u+"/workflow/bulk/terminate?reason=bulk", ids), "terminate")
	do(t, "GET", u+"/workflow/"+b2, nil).want(t, 200).json(t, &wf)
	if wf["status"] != "TERMINATED" || wf["reasonForIncompletion"] != "bulk" {
		t.Fatalf("bulk terminated: %v %v", wf["status"], wf["reasonForIncompletion"])
	}
	do(t, "PUT", u+"/workflow/bulk/pause", `[]`).want(t, 400)
	do(t, "PUT", u+"/workflow/bulk/pause", `{"a":1}`).want(t, 400)
	do(t, "PUT", u+"/workflow/bulk/pause", make([]string, 1001)).want(t, 400)
	do(t, "DELETE", u+"/workflow/bulk/remove", `not json`).want(t, 400)

	checkReplay(t, testCtx(t, time.Minute), srv, []string{id, paused, b1, b2})

	rm := start()
	do(t, "DELETE", u+"/workflow/bulk/remove", []string{rm, "nope"}).want(t, 200).json(t, &r)
	if len(r.Ok) != 1 || r.Ok[0] != rm || r.Errs["nope"] == "" {
		t.Fatalf("bulk remove: %+v", r)
	}
	do(t, "GET", u+"/workflow/"+rm, nil).want(t, 404)
	// The other routes under /workflow still answer.
	do(t, "GET", u+"/workflow/"+id+"/status", nil).want(t, 200)
	do(t, "DELETE", u+"/workflow/"+b1+"/remove", nil).want(t, 200)
}
