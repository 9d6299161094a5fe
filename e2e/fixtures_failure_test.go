package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
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
	if wf.Status != "FAILED" || wf.ReasonForIncompletion != "Early exit in terminate" || wf.row("t2").ReferenceTaskName != "" {
		t.Fatalf("terminated workflow: %s %q %+v", wf.Status, wf.ReasonForIncompletion, wf.Tasks)
	}
	if res, _ := wf.Output["result"].(map[string]any); res["testvalue"] != true {
		t.Fatalf("output %v", wf.Output)
	}
	fid := failureWorkflowOf(t, u, wf)
	ids = append(ids, fid)
	fw := awaitWorkflow(t, u, fid, "ended", ended)
	if fw.Status != "COMPLETED" || fw.row("lambda0").OutputData["result"].(map[string]any)["testvalue"] != true {
		t.Errorf("failure_workflow: %s %q %+v", fw.Status, fw.ReasonForIncompletion, fw.Tasks)
	}

	id = string(do(t, "POST", u+"/workflow/timed_out_task", `{}`).want(t, 200).body)
	ids = append(ids, id)
	wf = awaitWorkflow(t, u, id, "ended", ended)
	if wf.Status != "COMPLETED" || len(wf.Tasks) != 3 {
		t.Fatalf("timed_out_task: %s %q %+v", wf.Status, wf.ReasonForIncompletion, wf.Tasks)
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

// TestConductorFixturesPermissiveAndResponseTimeout runs
// fork_join_permissive (a permissive branch task fails: the other branch
// still runs, then the JOIN fails, as upstream, and with it the workflow) and
// simple_workflow_with_resp_time_out (a worker takes task_rt and never
// answers: the response timeout retries it, and the retry completes;
// task_rt's definition stands in with a 1 s response timeout).
func TestConductorFixturesPermissiveAndResponseTimeout(t *testing.T) {
	srv, u := fixtureServer(t)
	registerFixture(t, u, "fork_join_permissive_integration_test.json")
	registerFixture(t, u, "simple_workflow_with_resp_time_out_integration_test.json")
	do(t, "PUT", u+"/metadata/taskdefs", `{"name":"task_rt","retryCount":1,"retryDelaySeconds":0,"responseTimeoutSeconds":1}`).want(t, 200)
	var ids []string
	complete := func(tk *api.Task) {
		do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": tk.WorkflowInstanceID, "taskId": tk.TaskID,
			"status": "COMPLETED", "outputData": map[string]any{"op": "op-" + tk.ReferenceTaskName}}).want(t, 200)
	}

	id := string(do(t, "POST", u+"/workflow/FanInOutPermissiveTest", `{"param1":"p1","param2":"p2"}`).want(t, 200).body)
	ids = append(ids, id)
	t1 := pollOne(t, u, "integration_task_1")
	do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": id, "taskId": t1.TaskID,
		"status": "FAILED", "reasonForIncompletion": "t1 broke"}).want(t, 200)
	complete(pollOne(t, u, "integration_task_2"))
	wf := awaitWorkflow(t, u, id, "ended", ended)
	if wf.Status != "FAILED" || wf.row("t2").Status != "COMPLETED" || wf.row("fanouttask_join").Status != "FAILED" ||
		wf.row("t3").ReferenceTaskName != "" || !strings.Contains(wf.ReasonForIncompletion, "t1 broke") {
		t.Errorf("fork_join_permissive: %s %q %+v", wf.Status, wf.ReasonForIncompletion, wf.Tasks)
	}

	id = string(do(t, "POST", u+"/workflow/RTOWF", `{"param1":"p1","param2":"p2"}`).want(t, 200).body)
	ids = append(ids, id)
	first := pollOne(t, u, "task_rt") // and never answered
	retry := pollOne(t, u, "task_rt")
	if retry.TaskID == first.TaskID {
		t.Fatalf("task_rt %s handed out twice", first.TaskID)
	}
	complete(retry)
	complete(pollOne(t, u, "integration_task_2"))
	wf = awaitWorkflow(t, u, id, "ended", ended)
	if wf.Status != "COMPLETED" || wf.Tasks[0].Status != "TIMED_OUT" || wf.Output["o3"] != "op-t1" {
		t.Errorf("resp_time_out: %s %q output %v tasks %+v", wf.Status, wf.ReasonForIncompletion, wf.Output, wf.Tasks)
	}
	checkReplay(t, testCtx(t, time.Minute), srv, ids)
}
