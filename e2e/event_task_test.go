package e2e

import (
	"os"
	"testing"
	"time"
)

// TestEventTask runs Conductor's event_workflow_integration_test (an EVENT
// task with sink "conductor", then a worker task) and an asyncComplete
// EVENT, which stays IN_PROGRESS until the task update API completes it.
// The published payload is the task's output (handlers that consume it:
// eventhandler_test.go).
func TestEventTask(t *testing.T) {
	if _, err := os.Stat(conductorFixtures); err != nil {
		t.Skipf("Conductor fixtures not found at %s (shared/reference beside the repository): %v", conductorFixtures, err)
	}
	srv := startServer(t, "")
	u := srv.URL + "/api"
	def := registerFixture(t, u, "event_workflow_integration_test.json")
	id := string(do(t, "POST", u+"/workflow/"+def.Name+"?version=1", `{"correlationId":"c1"}`).want(t, 200).body)
	driveFixture(t, u, id, workerTypes(def))
	wf := readWorkflow(t, u, id)
	if wf.Status != "COMPLETED" {
		t.Fatalf("event workflow: %s (%s)", wf.Status, wf.ReasonForIncompletion)
	}
	ev := wf.row("wait0")
	if ev.Status != "COMPLETED" || ev.OutputData["event_produced"] != "conductor:test_event_workflow:wait0" ||
		ev.OutputData["workflowInstanceId"] != id || ev.OutputData["workflowType"] != "test_event_workflow" ||
		ev.OutputData["workflowVersion"] != 1.0 || ev.OutputData["sink"] != "conductor" {
		t.Errorf("EVENT row %s output %v", ev.Status, ev.OutputData)
	}

	do(t, "POST", u+"/metadata/workflow", `{"name":"ev_async","version":1,"tasks":[
 {"name":"ev","taskReferenceName":"ev","type":"EVENT","sink":"conductor:q1","asyncComplete":true,"inputParameters":{"k":"${workflow.input.k}"}},
 {"name":"integration_task_1","taskReferenceName":"t1"}]}`).want(t, 200)
	async := string(do(t, "POST", u+"/workflow/ev_async", `{"k":"v"}`).want(t, 200).body)
	w := awaitWorkflow(t, u, async, "publishing", func(wf view) bool { return wf.row("ev").Status == "IN_PROGRESS" })
	if out := w.row("ev").OutputData; out["event_produced"] != "conductor:ev_async:q1" || out["k"] != "v" {
		t.Errorf("async EVENT output %v", out)
	}
	// The sleep is the point: it must stay IN_PROGRESS on its own, and an
	// absence has no condition to await.
	time.Sleep(100 * time.Millisecond)
	if w := readWorkflow(t, u, async); w.row("ev").Status != "IN_PROGRESS" || w.row("t1").TaskID != "" {
		t.Fatalf("async EVENT did not wait: %+v", w.Tasks)
	}
	do(t, "POST", u+"/tasks/"+async+"/ev/COMPLETED", `{}`).want(t, 200)
	if wf := driveFixture(t, u, async, []string{"integration_task_1"}); wf.Status != "COMPLETED" {
		t.Errorf("async event workflow: %s (%s)", wf.Status, wf.ReasonForIncompletion)
	}
	checkReplay(t, testCtx(t, time.Minute), srv, []string{id, async})
}
