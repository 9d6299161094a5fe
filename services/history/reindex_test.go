package history

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/persistence"
	"github.com/legatohq/legato/pkg/workflow"
)

// TestRestartInTheRoundOfATerminate drives one shard's rounds by hand so
// that a terminate and a restart of a parent land in the same round: the
// SUB_WORKFLOW row the terminate cancelled is gone from the state by the
// round's end, yet its child is still told to terminate, and the indexes
// forget the dropped row and list the workflow as running again.
func TestRestartInTheRoundOfATerminate(t *testing.T) {
	ctx := context.Background()
	store := memStore(t, &workflow.WorkflowDef{Name: "mom", Version: 1, Tasks: []*workflow.WorkflowTask{{Name: "sub",
		TaskReferenceName: "sub", Type: workflow.TaskTypeSubWorkflow, SubWorkflowParam: &workflow.SubWorkflowParams{Name: "kid"}}}})
	// Not started: the test is the shard's goroutine.
	s, err := New(Options{Exec: store, Meta: store, Matching: &offers{}, Shards: 1})
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.defs.resolve(ctx, &api.StartWorkflowRequest{Name: "mom"})
	if err != nil {
		t.Fatal(err)
	}
	const id = "wf-1"
	sh := s.shardFor(id)
	now := time.Now().UnixMilli()
	sh.round(ctx, []*request{{workflowID: id, start: r, in: decider.Input{Start: &decider.Start{WorkflowID: id, Def: r.def, DefHash: r.hash}}}}, now)
	st, err := s.loadState(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	sub := st.Tasks[0].ID
	sh.round(ctx, []*request{{workflowID: id, in: decider.Input{TaskResult: &api.TaskResult{WorkflowInstanceID: id, TaskID: sub,
		Status: api.TaskInProgress, OutputData: map[string]any{decider.SubWorkflowIDKey: "kid-1"}}}}}, now)
	s.notes.take()

	sh.round(ctx, []*request{
		{workflowID: id, in: decider.Input{Terminate: &decider.Terminate{Reason: "stop"}}},
		{workflowID: id, in: decider.Input{Restart: &decider.Restart{}}},
	}, now)

	notes := s.notes.take()
	if len(notes) != 1 || notes[0].terminate != "kid-1" {
		t.Fatalf("notes %+v, want the child terminated", notes)
	}
	if st, err = s.loadState(ctx, id); err != nil || st.Status != api.WorkflowRunning || len(st.Tasks) != 1 || st.Tasks[0].ID == sub {
		t.Fatalf("restarted workflow: %v %+v", err, st)
	}
	if _, err := store.TaskWorkflow(ctx, sub); !errors.Is(err, persistence.ErrNotFound) {
		t.Fatalf("task index of the dropped row: %v", err)
	}
	if got, _ := store.TaskWorkflow(ctx, st.Tasks[0].ID); got != id {
		t.Fatalf("task index of the new row: %q", got)
	}
	if running, _ := store.Running(ctx, "mom", 1); !slices.Contains(running, id) {
		t.Fatalf("running index %v lacks %s", running, id)
	}
}
