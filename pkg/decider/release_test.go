package decider

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/workflow"
)

// TestRelease: a polled task that stops being IN_PROGRESS, however it
// stops, is named in Result.Release (matching's concurrentExecLimit
// counts on it); a task never polled, or a system task, is not.
func TestRelease(t *testing.T) {
	def := &workflow.WorkflowDef{}
	if err := json.Unmarshal([]byte(`{"name":"rel","version":1,"tasks":[
	 {"name":"work","taskReferenceName":"a","taskDefinition":{"name":"work","retryCount":0,"responseTimeoutSeconds":5}},
	 {"name":"wait","taskReferenceName":"w","type":"WAIT"}]}`), def); err != nil {
		t.Fatal(err)
	}
	d := Decider{}
	start := func(t *testing.T, poll bool) (*State, string) {
		t.Helper()
		s := &State{Def: def}
		if _, err := d.Decide(s, Input{Start: &Start{WorkflowID: "wf", Def: def, DefHash: "h"}}, 10); err != nil {
			t.Fatal(err)
		}
		id := s.Latest("a").ID
		if poll {
			if _, err := d.Decide(s, Input{TaskStarted: &TaskStarted{TaskID: id, WorkerID: "w1"}}, 20); err != nil {
				t.Fatal(err)
			}
		}
		return s, id
	}
	result := func(id, status string, callback int64) Input {
		return Input{TaskResult: &api.TaskResult{WorkflowInstanceID: "wf", TaskID: id, Status: status, CallbackAfterSeconds: callback}}
	}
	for _, c := range []struct {
		name    string
		polled  bool
		in      func(id string) Input
		at      int64
		release bool
	}{
		{"completed", true, func(id string) Input { return result(id, api.TaskCompleted, 0) }, 30, true},
		{"failed", true, func(id string) Input { return result(id, api.TaskFailed, 0) }, 30, true},
		{"back to SCHEDULED", true, func(id string) Input { return result(id, api.TaskInProgress, 7) }, 30, true},
		{"response timeout", true, func(string) Input { return Input{Tick: true} }, 20 + 5000, true},
		{"terminated", true, func(string) Input { return Input{Terminate: &Terminate{Reason: "stop"}} }, 30, true},
		{"completed unpolled", false, func(id string) Input { return result(id, api.TaskCompleted, 0) }, 30, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, id := start(t, c.polled)
			res, err := d.Decide(s, c.in(id), c.at)
			if err != nil {
				t.Fatal(err)
			}
			var want []api.Dispatch
			if c.release {
				want = []api.Dispatch{{TaskID: id, WorkflowID: "wf", TaskType: "work"}}
			}
			if !slices.Equal(res.Release, want) {
				t.Fatalf("Release = %+v, want %+v", res.Release, want)
			}
		})
	}
	t.Run("system task", func(t *testing.T) {
		s, id := start(t, true)
		if _, err := d.Decide(s, result(id, api.TaskCompleted, 0), 30); err != nil {
			t.Fatal(err)
		}
		if w := s.Latest("w"); w == nil || w.Status != api.TaskInProgress {
			t.Fatalf("WAIT not running: %+v", w)
		}
		res, err := d.Decide(s, Input{Terminate: &Terminate{Reason: "stop"}}, 40)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Release) != 0 {
			t.Fatalf("Release = %+v for a WAIT", res.Release)
		}
	})
}

// TestPolled: Polled names the worker tasks IN_PROGRESS, not the ones
// still SCHEDULED nor IN_PROGRESS system tasks (a WAIT).
func TestPolled(t *testing.T) {
	def := &workflow.WorkflowDef{}
	if err := json.Unmarshal([]byte(`{"name":"pol","version":1,"tasks":[
	 {"name":"work","taskReferenceName":"a","taskDefinition":{"name":"work","retryCount":0,"responseTimeoutSeconds":5}},
	 {"name":"wait","taskReferenceName":"w","type":"WAIT"}]}`), def); err != nil {
		t.Fatal(err)
	}
	d := Decider{}
	s := &State{Def: def}
	if _, err := d.Decide(s, Input{Start: &Start{WorkflowID: "wf", Def: def, DefHash: "h"}}, 10); err != nil {
		t.Fatal(err)
	}
	a := s.Latest("a")
	if got := Polled(s); len(got) != 0 {
		t.Fatalf("Polled before the poll = %v", got)
	}
	if _, err := d.Decide(s, Input{TaskStarted: &TaskStarted{TaskID: a.ID, WorkerID: "w1"}}, 20); err != nil {
		t.Fatal(err)
	}
	want := []api.Dispatch{{TaskID: a.ID, WorkflowID: "wf", TaskType: a.Type, Domain: a.Domain}}
	if got := Polled(s); !slices.Equal(got, want) {
		t.Fatalf("Polled = %v, want %v", got, want)
	}
	if _, err := d.Decide(s, Input{TaskResult: &api.TaskResult{WorkflowInstanceID: "wf", TaskID: a.ID, Status: api.TaskCompleted}}, 30); err != nil {
		t.Fatal(err)
	}
	if w := s.Latest("w"); w == nil || w.Status != api.TaskInProgress {
		t.Fatalf("WAIT task %+v, want IN_PROGRESS", w)
	}
	if got := Polled(s); len(got) != 0 {
		t.Fatalf("Polled with only a WAIT in progress = %v", got)
	}
}
