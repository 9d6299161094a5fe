package history

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/persistence/pebble"
	"github.com/legatohq/legato/pkg/workflow"
)

func limitDef(name string, limit int) *workflow.TaskDef {
	td := &workflow.TaskDef{Name: name, ConcurrentExecLimit: &limit}
	td.ApplyDefaults()
	return td
}

func oneTaskDef(name, task string) *workflow.WorkflowDef {
	return &workflow.WorkflowDef{Name: name, Version: 1, Tasks: []*workflow.WorkflowTask{{Name: task, TaskReferenceName: "t", Type: workflow.TaskTypeSimple}}}
}

// restartHistory starts a history service on store, as after a restart,
// and returns what it told matching.
func restartHistory(t *testing.T, store *pebble.Store) *offers {
	t.Helper()
	match := &offers{}
	s, err := New(Options{Exec: store, Meta: store, Matching: match, Shards: 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return match
}

// TestStartOccupiesInProgressTasks: at start, before re-offering any
// dispatch, history hands matching the polled tasks still IN_PROGRESS of
// the types whose TaskDef sets a concurrentExecLimit, a paused workflow's
// too, and nothing when no TaskDef sets one.
func TestStartOccupiesInProgressTasks(t *testing.T) {
	ctx := context.Background()
	store := memStore(t, oneTaskDef("wl", "limited"), oneTaskDef("wu", "unlimited"))
	if err := store.PutTaskDefs(ctx, []*workflow.TaskDef{limitDef("limited", 1), limitDef("unlimited", 0)}); err != nil {
		t.Fatal(err)
	}
	match := &offers{}
	s, err := New(Options{Exec: store, Meta: store, Matching: match, Shards: 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	var want []api.Dispatch
	for i := range 3 {
		wl, err := s.StartWorkflow(ctx, &api.StartWorkflowRequest{Name: "wl"})
		if err != nil {
			t.Fatal(err)
		}
		wu, err := s.StartWorkflow(ctx, &api.StartWorkflowRequest{Name: "wu"})
		if err != nil {
			t.Fatal(err)
		}
		match.take(t, s, wu, "unlimited")
		if i < 2 { // the third stays SCHEDULED
			task := match.take(t, s, wl, "limited")
			want = append(want, api.Dispatch{TaskID: task.TaskID, WorkflowID: wl, TaskType: "limited"})
		}
		if i == 1 {
			// Paused, it has no deadline and so no timer row: the running
			// index finds it.
			if err := s.Pause(ctx, wl); err != nil {
				t.Fatal(err)
			}
		}
	}
	s.Close()

	got := restartHistory(t, store)
	slices.SortFunc(got.occupied, func(a, b api.Dispatch) int { return strings.Compare(a.TaskID, b.TaskID) })
	slices.SortFunc(want, func(a, b api.Dispatch) int { return strings.Compare(a.TaskID, b.TaskID) })
	if !slices.Equal(got.occupied, want) {
		t.Fatalf("occupied %v, want %v", got.occupied, want)
	}
	if got.offeredFirst != 0 || len(got.ds) != 1 {
		t.Fatalf("%d dispatches offered before Occupy, %d in all; want 0 and 1 (the SCHEDULED task)", got.offeredFirst, len(got.ds))
	}

	if err := store.PutTaskDefs(ctx, []*workflow.TaskDef{limitDef("limited", 0)}); err != nil {
		t.Fatal(err)
	}
	if got := restartHistory(t, store); got.occupied != nil {
		t.Fatalf("occupied %v without any concurrentExecLimit", got.occupied)
	}
}
