package history

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/workflow"
)

// TestFailureWorkflowStartLost: when the note that starts a failure
// workflow is lost (as in a crash right after the failed workflow's
// commit), the failed workflow's deadline asks for it again.
func TestFailureWorkflowStartLost(t *testing.T) {
	ctx := context.Background()
	zero := 0
	store := memStore(t,
		&workflow.WorkflowDef{Name: "undo", Version: 1, Tasks: []*workflow.WorkflowTask{{Name: "u", TaskReferenceName: "u", Type: workflow.TaskTypeSimple}}},
		&workflow.WorkflowDef{Name: "saga", Version: 1, FailureWorkflow: "undo", Tasks: []*workflow.WorkflowTask{{Name: "s", TaskReferenceName: "s",
			Type: workflow.TaskTypeSimple, RetryCount: &zero}}})
	var clock atomic.Int64
	s, match := startService(t, store, &clock)

	id, err := s.StartWorkflow(ctx, &api.StartWorkflowRequest{Name: "saga", Input: map[string]any{"order": "o1"}})
	if err != nil {
		t.Fatal(err)
	}
	s.notes.mu.Lock()
	s.notes.drop = true
	s.notes.mu.Unlock()
	task := match.take(t, s, id, "s")
	if _, err := s.UpdateTask(ctx, &api.TaskResult{WorkflowInstanceID: id, TaskID: task.TaskID, Status: api.TaskFailed}); err != nil {
		t.Fatal(err)
	}
	wf, err := s.Workflow(ctx, id, false)
	if err != nil {
		t.Fatal(err)
	}
	undoID, _ := wf.Output[decider.FailureWorkflowKey].(string)
	if wf.Status != api.WorkflowFailed || undoID == "" {
		t.Fatalf("workflow %s output %v", wf.Status, wf.Output)
	}
	if _, err := s.Workflow(ctx, undoID, false); api.KindOf(err) != api.KindNotFound {
		t.Fatalf("failure workflow started although its note was lost: %v", err)
	}

	// Past the retry deadline, the failed workflow's next round ticks it.
	s.notes.mu.Lock()
	s.notes.drop = false
	s.notes.mu.Unlock()
	clock.Add(time.Minute.Milliseconds())
	if err := s.AddTaskLog(ctx, task.TaskID, "wake the shard"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		uw, err := s.Workflow(ctx, undoID, false)
		if err == nil {
			if uw.WorkflowName != "undo" || uw.Input["workflowId"] != id || uw.Input["order"] != "o1" {
				t.Fatalf("failure workflow %s input %v", uw.WorkflowName, uw.Input)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("failure workflow not started after its retry deadline: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The start is recorded: the failed workflow needs no more ticks.
	for {
		st, err := s.loadState(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !st.FailureWorkflow.Pending {
			if d := decider.Deadline(st); d != 0 {
				t.Fatalf("deadline %d after the start was recorded", d)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("start not recorded in the failed workflow")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
