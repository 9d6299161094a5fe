package e2e

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
)

func wantStatus(t *testing.T, u, id, status string) view {
	t.Helper()
	wf := readWorkflow(t, u, id)
	if wf.Status != status {
		t.Fatalf("workflow %s is %s (%s), want %s; rows %s", id, wf.Status, wf.ReasonForIncompletion, status, wf.rows())
	}
	return wf
}

const (
	opsTaskDefs = `[{"name":"ops_a","retryCount":0},{"name":"ops_b","retryCount":0}]`
	opsFlowV1   = `{"name":"ops_flow","version":1,"tasks":[
 {"name":"ops_a","taskReferenceName":"a","inputParameters":{"x":"${workflow.input.x}"}},
 {"name":"ops_b","taskReferenceName":"b","inputParameters":{"y":"${a.output.y}"}}]}`
	opsFlowV2 = `{"name":"ops_flow","version":2,"tasks":[
 {"name":"ops_b","taskReferenceName":"c","inputParameters":{"x":"${workflow.input.x}"}}]}`
)

// TestRetryRestartRerun drives retry, restart (also onto the latest
// definition) and rerun over HTTP with a polling worker, and their
// 404/409/400 answers.
func TestRetryRestartRerun(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/taskdefs", opsTaskDefs).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", opsFlowV1).want(t, 200)
	id := string(do(t, "POST", u+"/workflow/ops_flow?correlationId=c1", `{"x":1}`).want(t, 200).body)

	do(t, "POST", u+"/workflow/"+id+"/retry", nil).want(t, 409).errorBody(t, "RUNNING")
	do(t, "POST", u+"/workflow/"+id+"/restart", nil).want(t, 409).errorBody(t, "RUNNING")
	do(t, "POST", u+"/workflow/"+id+"/rerun", `{}`).want(t, 409).errorBody(t, "RUNNING")
	do(t, "POST", u+"/workflow/no-such-id/retry", nil).want(t, 404)
	do(t, "POST", u+"/workflow/no-such-id/restart?useLatestDefinitions=true", nil).want(t, 404)
	do(t, "POST", u+"/workflow/no-such-id/rerun", `{}`).want(t, 404)
	do(t, "POST", u+"/workflow/"+id+"/retry?resumeSubworkflowTasks=perhaps", nil).want(t, 400)
	do(t, "POST", u+"/workflow/"+id+"/restart?useLatestDefinitions=perhaps", nil).want(t, 400)

	// Retry: b failed with no retries left; its new attempt runs at once.
	oldA := finish(t, u, "ops_a", "COMPLETED", map[string]any{"y": "Y"})
	failedB := finish(t, u, "ops_b", "FAILED", nil)
	wantStatus(t, u, id, "FAILED")
	do(t, "POST", u+"/workflow/"+id+"/retry", nil).want(t, 204)
	wf := wantStatus(t, u, id, "RUNNING")
	nb := wf.row("b")
	if wf.rows() != "a:COMPLETED b:FAILED b:SCHEDULED" || wf.LastRetriedTime == 0 || wf.ReasonForIncompletion != "" ||
		nb.RetryCount != 1 || nb.RetriedTaskID != failedB.TaskID || !wf.Tasks[1].Retried || nb.InputData["y"] != "Y" {
		t.Fatalf("after retry: rows %s, lastRetriedTime %d, reason %q, new b %+v", wf.rows(), wf.LastRetriedTime, wf.ReasonForIncompletion, nb)
	}
	finish(t, u, "ops_b", "COMPLETED", nil)
	wantStatus(t, u, id, "COMPLETED")
	do(t, "POST", u+"/workflow/"+id+"/retry", nil).want(t, 409).errorBody(t, "COMPLETED")

	// Restart: same id and input, rows wiped, new task ids.
	do(t, "POST", u+"/workflow/"+id+"/restart", nil).want(t, 204)
	wf = wantStatus(t, u, id, "RUNNING")
	if wf.rows() != "a:SCHEDULED" || wf.Tasks[0].TaskID == oldA.TaskID || wf.Input["x"] != 1.0 {
		t.Fatalf("after restart: rows %s, task id %s (was %s), input %v", wf.rows(), wf.Tasks[0].TaskID, oldA.TaskID, wf.Input)
	}
	do(t, "GET", u+"/tasks/"+oldA.TaskID, nil).want(t, 404)
	do(t, "GET", u+"/tasks/"+wf.Tasks[0].TaskID, nil).want(t, 200)
	finish(t, u, "ops_a", "COMPLETED", map[string]any{"y": "Y2"})
	finish(t, u, "ops_b", "COMPLETED", nil)
	wantStatus(t, u, id, "COMPLETED")

	// Restart onto the latest definition: version 2 runs, and the running
	// index knows it under version 2.
	do(t, "POST", u+"/metadata/workflow", opsFlowV2).want(t, 200)
	do(t, "POST", u+"/workflow/"+id+"/restart?useLatestDefinitions=true", nil).want(t, 204)
	wf = wantStatus(t, u, id, "RUNNING")
	if wf.WorkflowVersion != 2 || wf.rows() != "c:SCHEDULED" || wf.Tasks[0].InputData["x"] != 1.0 {
		t.Fatalf("restart onto v2: version %d, rows %s", wf.WorkflowVersion, wf.rows())
	}
	var running []string
	do(t, "GET", u+"/workflow/running/ops_flow?version=2", nil).want(t, 200).json(t, &running)
	if !slices.Contains(running, id) {
		t.Fatalf("running v2 %v lacks %s", running, id)
	}
	finish(t, u, "ops_b", "FAILED", nil)
	wantStatus(t, u, id, "FAILED")

	// Rerun from the start with a new input and correlation id.
	second := string(do(t, "POST", u+"/workflow/ops_flow?version=1&correlationId=c1", `{"x":2}`).want(t, 200).body)
	finish(t, u, "ops_a", "COMPLETED", map[string]any{"y": "Y3"})
	finish(t, u, "ops_b", "COMPLETED", nil)
	wantStatus(t, u, second, "COMPLETED")
	do(t, "POST", u+"/workflow/"+second+"/rerun", `{"workflowInput":{"x":3},"correlationId":"c2"}`).want(t, 200)
	wf = wantStatus(t, u, second, "RUNNING")
	if wf.rows() != "a:SCHEDULED" || wf.Input["x"] != 3.0 || wf.CorrelationID != "c2" || wf.Tasks[0].InputData["x"] != 3.0 {
		t.Fatalf("full rerun: rows %s, input %v, correlation %q", wf.rows(), wf.Input, wf.CorrelationID)
	}
	var corr []view
	do(t, "GET", u+"/workflow/ops_flow/correlated/c2?includeClosed=true", nil).want(t, 200).json(t, &corr)
	if len(corr) != 1 || corr[0].WorkflowID != second {
		t.Fatalf("correlated c2: %+v", corr)
	}
	do(t, "GET", u+"/workflow/ops_flow/correlated/c1?includeClosed=true", nil).want(t, 200).json(t, &corr)
	if len(corr) != 1 || corr[0].WorkflowID != id {
		t.Fatalf("correlated c1 after the rerun moved %s: %+v", second, corr)
	}
	finish(t, u, "ops_a", "COMPLETED", map[string]any{"y": "Y4"})
	finish(t, u, "ops_b", "FAILED", nil)
	wf = wantStatus(t, u, second, "FAILED")

	// Rerun from task b: a is kept, b runs again with taskInput merged in.
	keptA := wf.row("a").TaskID
	do(t, "POST", u+"/workflow/"+second+"/rerun", `{"reRunFromTaskId":"nope"}`).want(t, 400).errorBody(t, "nope")
	do(t, "POST", u+"/workflow/"+second+"/rerun", `not json`).want(t, 400)
	do(t, "POST", u+"/workflow/"+second+"/rerun", nil).want(t, 400)
	if wf := wantStatus(t, u, second, "FAILED"); wf.rows() != "a:COMPLETED b:FAILED" {
		t.Fatalf("bad reruns changed the workflow: %s", wf.rows())
	}
	ack := do(t, "POST", u+"/workflow/"+second+"/rerun", map[string]any{"reRunFromTaskId": wf.row("b").TaskID,
		"taskInput": map[string]any{"z": true}}).want(t, 200)
	if string(ack.body) != second {
		t.Fatalf("rerun answered %q", ack.body)
	}
	wf = wantStatus(t, u, second, "RUNNING")
	nb = wf.row("b")
	if wf.rows() != "a:COMPLETED b:SCHEDULED" || wf.Tasks[0].TaskID != keptA || nb.InputData["z"] != true || nb.InputData["y"] != "Y4" {
		t.Fatalf("rerun from b: rows %s, b input %v", wf.rows(), nb.InputData)
	}
	finish(t, u, "ops_b", "COMPLETED", nil)
	wantStatus(t, u, second, "COMPLETED")

	checkReplay(t, testCtx(t, time.Minute), srv, []string{id, second})
}

// TestSkipResetCallbacksDecide drives skiptask, resetcallbacks, decide and
// the workflow's task list paging over HTTP.
func TestSkipResetCallbacksDecide(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/taskdefs", opsTaskDefs).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", opsFlowV1).want(t, 200)

	// Skip b before the flow gets there: the workflow steps over it.
	id := string(do(t, "POST", u+"/workflow/ops_flow", `{"x":1}`).want(t, 200).body)
	do(t, "PUT", u+"/workflow/"+id+"/skiptask/a", nil).want(t, 409).errorBody(t, "SCHEDULED")
	do(t, "PUT", u+"/workflow/"+id+"/skiptask/nope", nil).want(t, 400).errorBody(t, "nope")
	do(t, "PUT", u+"/workflow/no-such-id/skiptask/b", nil).want(t, 404)
	do(t, "PUT", u+"/workflow/"+id+"/skiptask/b", nil).want(t, 200)
	do(t, "PUT", u+"/workflow/"+id+"/skiptask/b", nil).want(t, 409).errorBody(t, "SKIPPED")
	finish(t, u, "ops_a", "COMPLETED", nil)
	if wf := wantStatus(t, u, id, "COMPLETED"); wf.rows() != "a:COMPLETED b:SKIPPED" {
		t.Fatalf("skipped b: rows %s", wf.rows())
	}
	do(t, "PUT", u+"/workflow/"+id+"/skiptask/b", nil).want(t, 409).errorBody(t, "COMPLETED")

	// resetcallbacks: a task a worker put off for an hour is offered now.
	cb := string(do(t, "POST", u+"/workflow/ops_flow", `{"x":2}`).want(t, 200).body)
	tk := pollOne(t, u, "ops_a")
	do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": cb, "taskId": tk.TaskID, "status": "IN_PROGRESS",
		"callbackAfterSeconds": 3600}).want(t, 200)
	var none []*api.Task
	do(t, "GET", u+"/tasks/poll/batch/ops_a?workerid=ops&timeout=200", nil).want(t, 200).json(t, &none)
	if len(none) != 0 {
		t.Fatalf("a task put off for an hour was offered: %+v", none)
	}
	do(t, "POST", u+"/workflow/"+cb+"/resetcallbacks", nil).want(t, 204)
	if wf := readWorkflow(t, u, cb); wf.Tasks[0].CallbackAfterSeconds != 0 || wf.Tasks[0].Status != "SCHEDULED" {
		t.Fatalf("after resetcallbacks: %+v", wf.Tasks[0])
	}
	if again := pollOne(t, u, "ops_a"); again.TaskID != tk.TaskID {
		t.Fatalf("polled %s after resetcallbacks, want %s", again.TaskID, tk.TaskID)
	}
	var sizes map[string]int
	do(t, "GET", u+"/tasks/queue/sizes?taskType=ops_a", nil).want(t, 200).json(t, &sizes)
	if sizes["ops_a"] != 0 {
		t.Fatalf("queue of ops_a after the reset task was polled: %v", sizes)
	}
	do(t, "POST", u+"/workflow/no-such-id/resetcallbacks", nil).want(t, 404)

	// decide runs a decision: nothing is due, so nothing changes.
	before := readWorkflow(t, u, cb)
	do(t, "PUT", u+"/workflow/decide/"+cb, nil).want(t, 200)
	if after := readWorkflow(t, u, cb); after.rows() != before.rows() || after.Status != "RUNNING" {
		t.Fatalf("decide changed %s to %s", before.rows(), after.rows())
	}
	do(t, "PUT", u+"/workflow/decide/no-such-id", nil).want(t, 404)

	do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": cb, "taskId": tk.TaskID, "status": "COMPLETED"}).want(t, 200)
	finish(t, u, "ops_b", "FAILED", nil)
	wantStatus(t, u, cb, "FAILED")
	do(t, "POST", u+"/workflow/"+cb+"/resetcallbacks", nil).want(t, 409).errorBody(t, "FAILED")
	do(t, "PUT", u+"/workflow/decide/"+cb, nil).want(t, 200)

	// The task list, paged and filtered by status.
	type page struct {
		TotalHits int         `json:"totalHits"`
		Results   []*api.Task `json:"results"`
	}
	var p page
	do(t, "GET", u+"/workflow/"+cb+"/tasks", nil).want(t, 200).json(t, &p)
	if p.TotalHits != 2 || len(p.Results) != 2 || p.Results[0].ReferenceTaskName != "a" {
		t.Fatalf("tasks: %+v", p)
	}
	do(t, "GET", u+"/workflow/"+cb+"/tasks?start=1&count=5", nil).want(t, 200).json(t, &p)
	if p.TotalHits != 2 || len(p.Results) != 1 || p.Results[0].ReferenceTaskName != "b" {
		t.Fatalf("tasks from 1: %+v", p)
	}
	do(t, "GET", u+"/workflow/"+cb+"/tasks?status=FAILED&status=SKIPPED", nil).want(t, 200).json(t, &p)
	if p.TotalHits != 1 || p.Results[0].Status != "FAILED" {
		t.Fatalf("FAILED tasks: %+v", p)
	}
	do(t, "GET", u+"/workflow/"+cb+"/tasks?start=5", nil).want(t, 200).json(t, &p)
	if p.TotalHits != 2 || p.Results == nil || len(p.Results) != 0 {
		t.Fatalf("tasks past the end: %+v", p)
	}
	do(t, "GET", u+"/workflow/"+cb+"/tasks?count=-1", nil).want(t, 400)
	do(t, "GET", u+"/workflow/"+cb+"/tasks?start=x", nil).want(t, 400)
	do(t, "GET", u+"/workflow/no-such-id/tasks", nil).want(t, 404)

	checkReplay(t, testCtx(t, time.Minute), srv, []string{id, cb})
}

// TestBulkRetryRestart: bulk retry, restart and terminate-remove answer
// per id.
func TestBulkRetryRestart(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/taskdefs", opsTaskDefs).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", `{"name":"ops_one","tasks":[{"name":"ops_a","taskReferenceName":"a"}]}`).want(t, 200)
	start := func() string { return string(do(t, "POST", u+"/workflow/ops_one", `{}`).want(t, 200).body) }
	type bulk struct {
		Ok   []string          `json:"bulkSuccessfulResults"`
		Errs map[string]string `json:"bulkErrorResults"`
	}
	f1, f2 := start(), start()
	for range 2 {
		finish(t, u, "ops_a", "FAILED", nil)
	}
	wantStatus(t, u, f1, "FAILED")
	wantStatus(t, u, f2, "FAILED")
	running := start()

	var r bulk
	do(t, "POST", u+"/workflow/bulk/retry", []string{f1, f2, running, "nope"}).want(t, 200).json(t, &r)
	slices.Sort(r.Ok)
	want := []string{f1, f2}
	slices.Sort(want)
	if !slices.Equal(r.Ok, want) || len(r.Errs) != 2 || !strings.Contains(r.Errs[running], "RUNNING") || !strings.Contains(r.Errs["nope"], "not found") {
		t.Fatalf("bulk retry: %+v", r)
	}
	for _, id := range []string{f1, f2} {
		if wf := wantStatus(t, u, id, "RUNNING"); wf.rows() != "a:FAILED a:SCHEDULED" {
			t.Fatalf("bulk retried %s: %s", id, wf.rows())
		}
	}

	do(t, "DELETE", u+"/workflow/"+f1, nil).want(t, 200)
	r = bulk{}
	do(t, "POST", u+"/workflow/bulk/restart?useLatestDefinitions=true", []string{f1, f2, "nope"}).want(t, 200).json(t, &r)
	if len(r.Ok) != 1 || r.Ok[0] != f1 || len(r.Errs) != 2 || !strings.Contains(r.Errs[f2], "RUNNING") {
		t.Fatalf("bulk restart: %+v", r)
	}
	if wf := wantStatus(t, u, f1, "RUNNING"); wf.rows() != "a:SCHEDULED" {
		t.Fatalf("bulk restarted %s: %s", f1, wf.rows())
	}
	do(t, "POST", u+"/workflow/bulk/restart?useLatestDefinitions=perhaps", []string{f1}).want(t, 400)
	do(t, "POST", u+"/workflow/bulk/retry", `[]`).want(t, 400)
	do(t, "POST", u+"/workflow/bulk/retry", make([]string, 1001)).want(t, 400)

	checkReplay(t, testCtx(t, time.Minute), srv, []string{f1, f2, running})

	r = bulk{}
	do(t, "DELETE", u+"/workflow/bulk/terminate-remove?reason=cleanup", []string{f1, f2, "nope"}).want(t, 200).json(t, &r)
	if len(r.Ok) != 2 || len(r.Errs) != 1 || r.Errs["nope"] == "" {
		t.Fatalf("bulk terminate-remove: %+v", r)
	}
	do(t, "GET", u+"/workflow/"+f1, nil).want(t, 404)
	do(t, "GET", u+"/workflow/"+f2, nil).want(t, 404)
	do(t, "DELETE", u+"/workflow/bulk/terminate-remove", `{}`).want(t, 400)
}

// TestRetrySubWorkflow: retrying a parent whose SUB_WORKFLOW task failed
// starts a new child, leaving the failed one as it was; with
// resumeSubworkflowTasks the failed child itself is retried and the task
// waits for it; retrying or restarting a child resumes its ended parent.
func TestRetrySubWorkflow(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/taskdefs", `[{"name":"sw_b","retryCount":0},{"name":"sw_d","retryCount":0}]`).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", swFailChildDef).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", swFailParentDef).want(t, 200)
	var ids []string
	// failedParent starts a parent and fails its child's task.
	failedParent := func() (parent, child string) {
		parent = string(do(t, "POST", u+"/workflow/sw_fail_parent", `{}`).want(t, 200).body)
		child = childStarted(t, u, parent, "sub")
		finish(t, u, "sw_b", "FAILED", nil)
		awaitWorkflow(t, u, parent, "failed", func(wf view) bool { return wf.Status == "FAILED" })
		ids = append(ids, parent, child)
		return parent, child
	}
	// completes finishes the child's task and the parent's last task.
	completes := func(parent, child string) {
		t.Helper()
		if tk := finish(t, u, "sw_b", "COMPLETED", nil); tk.WorkflowInstanceID != child {
			t.Fatalf("polled a task of %s, want one of child %s", tk.WorkflowInstanceID, child)
		}
		finish(t, u, "sw_d", "COMPLETED", nil)
		awaitWorkflow(t, u, parent, "completed", func(wf view) bool { return wf.Status == "COMPLETED" })
		if wf := readWorkflow(t, u, child); wf.Status != "COMPLETED" {
			t.Fatalf("child %s is %s", child, wf.Status)
		}
	}
	// resumed checks the parent runs again, its sub task waiting for child.
	resumed := func(parent, child string) {
		t.Helper()
		wf := awaitWorkflow(t, u, parent, "running", func(wf view) bool { return wf.Status == "RUNNING" })
		if sub := wf.row("sub"); sub.Status != "IN_PROGRESS" || sub.SubWorkflowID != child || len(wf.Tasks) != 1 {
			t.Fatalf("resumed parent: %+v", wf.Tasks)
		}
	}

	// Plain retry: a new attempt, a new child.
	parent, child := failedParent()
	do(t, "POST", u+"/workflow/"+parent+"/retry?resumeSubworkflowTasks=false", nil).want(t, 204)
	child2 := awaitWorkflow(t, u, parent, "running a new child", func(wf view) bool {
		return wf.Status == "RUNNING" && wf.row("sub").SubWorkflowID != "" && wf.row("sub").SubWorkflowID != child
	}).row("sub").SubWorkflowID
	ids = append(ids, child2)
	completes(parent, child2)
	if wf := readWorkflow(t, u, child); wf.Status != "FAILED" {
		t.Fatalf("the first child is %s, want it left FAILED", wf.Status)
	}

	// resumeSubworkflowTasks: the child is retried, the task waits for it.
	parent, child = failedParent()
	do(t, "POST", u+"/workflow/"+parent+"/retry?resumeSubworkflowTasks=true", nil).want(t, 204)
	resumed(parent, child)
	if wf := readWorkflow(t, u, child); wf.Status != "RUNNING" {
		t.Fatalf("retried child is %s", wf.Status)
	}
	completes(parent, child)

	// Retrying the child resumes its parent.
	parent, child = failedParent()
	do(t, "POST", u+"/workflow/"+child+"/retry", nil).want(t, 204)
	resumed(parent, child)
	completes(parent, child)

	// So does restarting it.
	parent, child = failedParent()
	do(t, "POST", u+"/workflow/"+child+"/restart", nil).want(t, 204)
	resumed(parent, child)
	completes(parent, child)

	// Rerunning the parent from a task of its child reruns the child from
	// it; the parent's SUB_WORKFLOW task waits for it, later rows dropped.
	b1 := readWorkflow(t, u, child).row("b1").TaskID
	do(t, "POST", u+"/workflow/"+parent+"/rerun", map[string]any{"reRunFromTaskId": b1, "taskInput": map[string]any{"again": true}}).want(t, 200)
	resumed(parent, child)
	cw := readWorkflow(t, u, child)
	if cw.Status != "RUNNING" || len(cw.Tasks) != 1 || cw.Tasks[0].Status != "SCHEDULED" || cw.Tasks[0].InputData["again"] != true {
		t.Fatalf("rerun child: %s %+v", cw.Status, cw.Tasks)
	}
	completes(parent, child)

	checkReplay(t, testCtx(t, time.Minute), srv, ids)
}
