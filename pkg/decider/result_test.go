package decider

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/workflow"
)

// resultDef is two worker tasks in a row.
func resultDef(t *testing.T) *workflow.WorkflowDef {
	t.Helper()
	def := &workflow.WorkflowDef{}
	if err := json.Unmarshal([]byte(`{"name":"res","version":2,"tasks":[
	 {"name":"work","taskReferenceName":"a"},
	 {"name":"work","taskReferenceName":"b"}]}`), def); err != nil {
		t.Fatal(err)
	}
	return def
}

func mustDecide(t *testing.T, d Decider, s *State, in Input, now int64) Result {
	t.Helper()
	res, err := d.Decide(s, in, now)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func complete(id string) Input {
	return Input{TaskResult: &api.TaskResult{WorkflowInstanceID: "wf", TaskID: id, Status: api.TaskCompleted}}
}

// TestResultIndexAndTimer follows a workflow through start, a task, its
// end and the retention's removal: the Result's index changes, timer and
// deletion are what the caller must write, each in the Decide that causes
// it.
func TestResultIndexAndTimer(t *testing.T) {
	def := resultDef(t)
	d := Decider{Retention: 60_000}
	s := &State{Def: def}
	start := mustDecide(t, d, s, Input{Start: &Start{WorkflowID: "wf", Def: def, DefHash: "h", CorrelationID: "c1"}}, 10)
	a := s.Latest("a").ID
	if !start.Index.Running || start.Index.NotRunning {
		t.Errorf("start: Running=%v NotRunning=%v, want true false", start.Index.Running, start.Index.NotRunning)
	}
	if want := []CorrelationEntry{{Name: "res", Version: 2, CorrelationID: "c1"}}; !slices.Equal(start.Index.PutCorrelation, want) {
		t.Errorf("start: PutCorrelation = %v, want %v", start.Index.PutCorrelation, want)
	}
	if !slices.Equal(start.Index.PutTasks, []string{a}) {
		t.Errorf("start: PutTasks = %v, want [%s]", start.Index.PutTasks, a)
	}
	if start.Timer != 0 || start.Delete || start.Snapshot {
		t.Errorf("start: Timer=%d Delete=%v Snapshot=%v, want 0 false false", start.Timer, start.Delete, start.Snapshot)
	}

	next := mustDecide(t, d, s, complete(a), 20)
	b := s.Latest("b").ID
	if next.Index.Running || next.Index.NotRunning || !slices.Equal(next.Index.PutTasks, []string{b}) || len(next.Index.PutCorrelation) > 0 {
		t.Errorf("a completed: Index = %+v, want only PutTasks [%s]", next.Index, b)
	}

	end := mustDecide(t, d, s, complete(b), 30)
	if !end.Index.NotRunning || end.Index.Running {
		t.Errorf("end: Running=%v NotRunning=%v, want false true", end.Index.Running, end.Index.NotRunning)
	}
	if want := int64(30 + 60_000); end.Timer != want {
		t.Errorf("end: Timer = %d, want the removal at %d", end.Timer, want)
	}
	if d.WakeAt(s) != end.Timer {
		t.Errorf("WakeAt = %d, want the Result's Timer %d", d.WakeAt(s), end.Timer)
	}

	early := mustDecide(t, d, s, Input{Tick: true}, 30+59_999)
	if early.Delete {
		t.Fatal("a Tick before the retention ran out removed the workflow")
	}
	gone := mustDecide(t, d, s, Input{Tick: true}, 30+60_000)
	if !gone.Delete || len(gone.Events) > 0 || gone.Timer != 0 {
		t.Fatalf("expired Tick: Delete=%v events=%d Timer=%d, want true 0 0", gone.Delete, len(gone.Events), gone.Timer)
	}
	if !slices.Equal(gone.Index.DropTasks, []string{a, b}) || !gone.Index.NotRunning ||
		!slices.Equal(gone.Index.DelCorrelation, []CorrelationEntry{{Name: "res", Version: 2, CorrelationID: "c1"}}) {
		t.Errorf("expired Tick: Index = %+v, want every row dropped", gone.Index)
	}
}

// TestResultRemoveRunning: removing a running workflow takes its queued
// task off offer (outbox row and matching's queue) and lets go of its
// polled one.
func TestResultRemoveRunning(t *testing.T) {
	def := &workflow.WorkflowDef{}
	if err := json.Unmarshal([]byte(`{"name":"rm","version":1,"tasks":[{"name":"fork","taskReferenceName":"f","type":"FORK_JOIN",
	  "forkTasks":[[{"name":"work","taskReferenceName":"a"}],[{"name":"work","taskReferenceName":"b"}]]},
	 {"name":"join","taskReferenceName":"j","type":"JOIN","joinOn":["a","b"]}]}`), def); err != nil {
		t.Fatal(err)
	}
	d := Decider{}
	s := &State{Def: def}
	mustDecide(t, d, s, Input{Start: &Start{WorkflowID: "wf", Def: def, DefHash: "h"}}, 10)
	a, b := s.Latest("a"), s.Latest("b")
	mustDecide(t, d, s, Input{TaskStarted: &TaskStarted{TaskID: a.ID, WorkerID: "w"}}, 20)
	res := mustDecide(t, d, s, Input{Remove: true}, 30)
	if !res.Delete || !res.Index.NotRunning {
		t.Fatalf("Delete=%v NotRunning=%v, want true true", res.Delete, res.Index.NotRunning)
	}
	if !slices.Equal(res.Undispatch, []string{b.ID}) {
		t.Errorf("Undispatch = %v, want the queued task %s", res.Undispatch, b.ID)
	}
	if len(res.Withdraw) != 1 || res.Withdraw[0].TaskID != b.ID {
		t.Errorf("Withdraw = %+v, want the queued task %s", res.Withdraw, b.ID)
	}
	if len(res.Release) != 1 || res.Release[0].TaskID != a.ID {
		t.Errorf("Release = %+v, want the polled task %s", res.Release, a.ID)
	}
}

// TestResultSnapshot: a snapshot is asked for once SnapshotEvery events
// have come since the stored one (State.SnapshotAt), and not before.
func TestResultSnapshot(t *testing.T) {
	def := &workflow.WorkflowDef{}
	if err := json.Unmarshal([]byte(`{"name":"snap","version":1,"tasks":[{"name":"work","taskReferenceName":"w",
	  "taskDefinition":{"name":"work","retryCount":50,"retryLogic":"FIXED","retryDelaySeconds":0}}]}`), def); err != nil {
		t.Fatal(err)
	}
	d := Decider{}
	s := &State{Def: def}
	res := mustDecide(t, d, s, Input{Start: &Start{WorkflowID: "wf", Def: def, DefHash: "h"}}, 10)
	for i := 0; !res.Snapshot; i++ {
		if s.LastEventID-int64(len(res.Events)) >= SnapshotEvery {
			t.Fatalf("no snapshot asked for at event %d", s.LastEventID)
		}
		// Each failed attempt brings a retry: two more events.
		res = mustDecide(t, d, s, Input{TaskResult: &api.TaskResult{WorkflowInstanceID: "wf", TaskID: s.Latest("w").ID, Status: api.TaskFailed}}, int64(20+i))
	}
	if s.LastEventID < SnapshotEvery {
		t.Fatalf("snapshot asked for at event %d, before %d events", s.LastEventID, SnapshotEvery)
	}
	s.SnapshotAt = s.LastEventID // the caller stored it
	if res := mustDecide(t, d, s, Input{Pause: true}, 100); res.Snapshot {
		t.Errorf("snapshot asked for again %d event(s) after the stored one", len(res.Events))
	}
}

// TestResultNotes: a child's end is a note for its parent; cancelling a
// started SUB_WORKFLOW is a note to terminate its child.
func TestResultNotes(t *testing.T) {
	def := resultDef(t)
	d := Decider{}
	child := &State{Def: def}
	mustDecide(t, d, child, Input{Start: &Start{WorkflowID: "wf", Def: def, DefHash: "h",
		ParentWorkflowID: "parent", ParentWorkflowTaskID: "ptask"}}, 10)
	res := mustDecide(t, d, child, Input{Terminate: &Terminate{Reason: "stop"}}, 20)
	if n := res.Notes.ChildEnded; n == nil || n.WorkflowInstanceID != "parent" || n.TaskID != "ptask" {
		t.Errorf("ChildEnded = %+v, want the result of parent/ptask", n)
	}

	sub := &workflow.WorkflowDef{}
	if err := json.Unmarshal([]byte(`{"name":"p","version":1,"tasks":[{"name":"s","taskReferenceName":"s","type":"SUB_WORKFLOW",
	  "subWorkflowParam":{"name":"kid","version":1}}]}`), sub); err != nil {
		t.Fatal(err)
	}
	parent := &State{Def: sub}
	mustDecide(t, d, parent, Input{Start: &Start{WorkflowID: "p1", Def: sub, DefHash: "h"}}, 10)
	task := parent.Latest("s")
	mustDecide(t, d, parent, Input{TaskStarted: &TaskStarted{TaskID: task.ID, WorkerID: "legato-system"}}, 11)
	mustDecide(t, d, parent, Input{TaskResult: &api.TaskResult{WorkflowInstanceID: "p1", TaskID: task.ID, Status: api.TaskInProgress,
		OutputData: map[string]any{SubWorkflowIDKey: "kid-1"}}}, 12)
	res = mustDecide(t, d, parent, Input{Terminate: &Terminate{Reason: "stop"}}, 20)
	want := []ChildTermination{{WorkflowID: "kid-1", Reason: "Parent workflow p1 has been terminated with status TERMINATED"}}
	if !slices.Equal(res.Notes.TerminateChildren, want) {
		t.Errorf("TerminateChildren = %+v, want %+v", res.Notes.TerminateChildren, want)
	}
	if res.Notes.ChildEnded != nil {
		t.Errorf("a workflow without a parent sent ChildEnded %+v", res.Notes.ChildEnded)
	}
	var ended bool
	for _, e := range res.Events {
		ended = ended || e.Type == events.WorkflowEnded
	}
	if !ended {
		t.Error("terminate wrote no WorkflowEnded")
	}
}
