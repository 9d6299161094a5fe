package main

import (
	"testing"
	"time"
)

// TestConductorFixturesFailure runs Conductor's failure fixtures: a
// TERMINATE task ending its workflow FAILED starts failure_workflow, and
// an optional task that nobody polls times out (pollTimeoutSeconds),
// retries with LINEAR_BACKOFF, and leaves its queue empty.
func TestConductorFixturesFailure(t *testing.T) {
	srv, u := fixtureServer(t)
	registerFixture(t, u, "failure_workflow_for_terminate_task_workflow.json")
	registerFixture(t, u, "terminate_task_failed_workflow_integration.json")
	registerFixture(t, u, "timed-out-tasks-not-removed.json")
	var ids []string

	id := string(do(t, "POST", u+"/workflow/test_terminate_task_failed_wf", `{"a":1}`).want(t, 200).body)
	ids = append(ids, id)
	wf := awaitWorkflow(t, u, id, "ended", ended)
	if wf.Status != "FAILED" || wf.Reason != "Early exit in terminate" || wf.row("t2").ReferenceTaskName != "" {
		t.Fatalf("terminated workflow: %s %q %+v", wf.Status, wf.Reason, wf.Tasks)
	}
	if res, _ := wf.Output["result"].(map[string]any); res["testvalue"] != true {
		t.Fatalf("output %v", wf.Output)
	}
	fid := failureWorkflowOf(t, u, wf)
	ids = append(ids, fid)
	fw := awaitWorkflow(t, u, fid, "ended", ended)
	if fw.Status != "COMPLETED" || fw.row("lambda0").OutputData["result"].(map[string]any)["testvalue"] != true {
		t.Errorf("failure_workflow: %s %q %+v", fw.Status, fw.Reason, fw.Tasks)
	}

	id = string(do(t, "POST", u+"/workflow/timed_out_task", `{}`).want(t, 200).body)
	ids = append(ids, id)
	wf = awaitWorkflow(t, u, id, "ended", ended)
	if wf.Status != "COMPLETED" || len(wf.Tasks) != 3 {
		t.Fatalf("timed_out_task: %s %q %+v", wf.Status, wf.Reason, wf.Tasks)
	}
	for i, tk := range wf.Tasks {
		want := "TIMED_OUT"
		if i == 2 {
			want = "COMPLETED_WITH_ERRORS" // optional: the workflow goes on
		}
		if tk.Status != want {
			t.Errorf("attempt %d: %s, want %s", i+1, tk.Status, want)
		}
	}
	var sizes map[string]int
	do(t, "GET", u+"/tasks/queue/sizes?taskType=let_it_poll_timeout", nil).want(t, 200).json(t, &sizes)
	if sizes["let_it_poll_timeout"] != 0 {
		t.Errorf("queue sizes %v: timed-out tasks left in the queue", sizes)
	}
	checkReplay(t, testCtx(t, time.Minute), srv, ids)
}
