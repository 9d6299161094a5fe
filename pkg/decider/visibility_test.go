package decider

import (
	"slices"
	"testing"

	"github.com/legatohq/legato/pkg/api"
)

// TestVisibilitySummaries: a Decide names the summaries it changed, and
// Summaries builds them from the state as of its last event.
func TestVisibilitySummaries(t *testing.T) {
	def := resultDef(t)
	d := Decider{}
	s := &State{Def: def}
	start := mustDecide(t, d, s, Input{Start: &Start{WorkflowID: "wf", Def: def, DefHash: "h", CorrelationID: "c1",
		Input: map[string]any{"order": 7}}}, 10)
	a := s.Latest("a").ID
	if !start.Visibility.Workflow || !slices.Equal(start.Visibility.Tasks, []string{a}) {
		t.Fatalf("start: Visibility = %+v, want the workflow and %s", start.Visibility, a)
	}
	res := mustDecide(t, d, s, Input{TaskResult: &api.TaskResult{WorkflowInstanceID: "wf", TaskID: a, Status: api.TaskFailedWithTerminalError,
		ReasonForIncompletion: "card 4242 declined for order 9f1c2d3e-0000-4000-8000-123456789abc"}}, 25)
	var v Visibility
	v.Merge(start.Visibility)
	v.Merge(res.Visibility)
	w, tasks := Summaries(s, v, 3)
	if w.WorkflowID != "wf" || w.Status != api.WorkflowFailed || w.CorrelationID != "c1" || w.Shard != 3 ||
		w.EventVersion != s.LastEventID || w.Input != `{"order":7}` || w.StartTime != 10 || w.EndTime != 25 || w.DurationMs != 15 {
		t.Fatalf("workflow summary %+v", w)
	}
	if len(tasks) != 1 || tasks[0].TaskID != a || tasks[0].Status != api.TaskFailedWithTerminalError || tasks[0].WorkflowStartTime != 10 {
		t.Fatalf("task summaries %+v, want %s once (named twice)", tasks, a)
	}
	if want := "card <n> declined for order <id>"; tasks[0].FailureReason != want {
		t.Fatalf("failure reason %q, want %q", tasks[0].FailureReason, want)
	}
	if gone := mustDecide(t, d, s, Input{Remove: true}, 30); !gone.Visibility.Removed {
		t.Fatal("a removal does not say the summaries go")
	}
}
