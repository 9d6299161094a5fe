package e2e

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/workflow"
)

// TestConcurrencyLimitAcrossRestart: a task handed out before a kill -9
// and still IN_PROGRESS counts against its type's concurrentExecLimit
// after the restart, so the next task of the type waits until the held
// one is completed (its update after the restart is accepted and frees
// the room).
func TestConcurrencyLimitAcrossRestart(t *testing.T) {
	srv := startServer(t, "")
	ctx := testCtx(t, 2*time.Minute)
	c := srv.client()
	var tds []*workflow.TaskDef
	if err := json.Unmarshal([]byte(`[{"name": "held_one", "retryCount": 0, "concurrentExecLimit": 1,
	  "responseTimeoutSeconds": 3600}]`), &tds); err != nil {
		t.Fatal(err)
	}
	def := &workflow.WorkflowDef{}
	if err := json.Unmarshal([]byte(`{"name": "held", "version": 1, "schemaVersion": 2,
	  "tasks": [{"name": "held_one", "taskReferenceName": "one", "type": "SIMPLE"}]}`), def); err != nil {
		t.Fatal(err)
	}
	if err := c.RegisterTaskDefs(ctx, tds); err != nil {
		t.Fatal(err)
	}
	if err := c.RegisterWorkflowDef(ctx, def, true); err != nil {
		t.Fatal(err)
	}
	wfs := map[string]bool{}
	for i := range 2 {
		id, err := c.StartWorkflow(ctx, "held", 0, fmt.Sprintf("held-%d", i), nil)
		if err != nil {
			t.Fatal(err)
		}
		wfs[id] = true
	}
	// sizeIs waits until the type's queue holds n tasks: both are offered
	// before any poll, so the polls below see the limit, not an empty queue.
	sizeIs := func(n int) {
		t.Helper()
		for {
			var sizes map[string]int
			do(t, "GET", srv.URL+"/api/tasks/queue/sizes?taskType=held_one", nil).want(t, 200).json(t, &sizes)
			if sizes["held_one"] == n {
				return
			}
			select {
			case <-ctx.Done():
				t.Fatalf("queue size of held_one = %d, want %d", sizes["held_one"], n)
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	sizeIs(2)
	got, err := c.BatchPoll(ctx, "held_one", "w1", "", 5, time.Second)
	if err != nil || len(got) != 1 {
		t.Fatalf("first poll = %d tasks, %v; want 1 (concurrentExecLimit 1)", len(got), err)
	}
	held := got[0]
	if got, err := c.BatchPoll(ctx, "held_one", "w1", "", 5, 0); err != nil || len(got) != 0 {
		t.Fatalf("poll while %s is held = %d tasks, %v; want none", held.TaskID, len(got), err)
	}

	srv.kill()
	srv = startServer(t, srv.Data)
	c = srv.client()
	// The other workflow's task is offered again at start; the held one
	// still counts, so a poll gets nothing.
	sizeIs(1)
	if got, err := c.BatchPoll(ctx, "held_one", "w2", "", 5, 2*time.Second); err != nil || len(got) != 0 {
		t.Fatalf("poll after the restart while %s is held = %d tasks, %v; want none", held.TaskID, len(got), err)
	}

	if err := c.UpdateTask(ctx, &api.TaskResult{WorkflowInstanceID: held.WorkflowInstanceID, TaskID: held.TaskID,
		Status: api.TaskCompleted, WorkerID: "w1"}); err != nil {
		t.Fatal(err)
	}
	if wf := awaitEnded(t, ctx, c, held.WorkflowInstanceID); wf.Status != api.WorkflowCompleted {
		t.Fatalf("held task's workflow is %s: %s", wf.Status, wf.ReasonForIncompletion)
	}
	delete(wfs, held.WorkflowInstanceID)
	var next []*api.Task
	for len(next) == 0 {
		if ctx.Err() != nil {
			t.Fatal("the other workflow's task was not handed out after the held one completed")
		}
		if next, err = c.BatchPoll(ctx, "held_one", "w2", "", 5, 5*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	if len(next) != 1 || !wfs[next[0].WorkflowInstanceID] {
		t.Fatalf("poll after the release = %v, want the other workflow's task", next)
	}
	if err := c.UpdateTask(ctx, &api.TaskResult{WorkflowInstanceID: next[0].WorkflowInstanceID, TaskID: next[0].TaskID,
		Status: api.TaskCompleted, WorkerID: "w2"}); err != nil {
		t.Fatal(err)
	}
	if wf := awaitEnded(t, ctx, c, next[0].WorkflowInstanceID); wf.Status != api.WorkflowCompleted {
		t.Fatalf("second workflow is %s: %s", wf.Status, wf.ReasonForIncompletion)
	}
}
