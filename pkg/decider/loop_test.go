package decider

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/script"
	"github.com/legatohq/legato/pkg/workflow"
)

// TestLoopYields: a loop of system tasks only never waits for a worker, so
// one Decide runs at most maxIterationsPerDecide iterations, then records
// the next as yielded: the deadline is due at once, and each Tick runs the
// next slice. The result is the same loop, replayable event by event.
func TestLoopYields(t *testing.T) {
	const n = 2*maxIterationsPerDecide + 50
	def := &workflow.WorkflowDef{}
	if err := json.Unmarshal([]byte(`{"name":"spin","version":1,"tasks":[
	 {"name":"loop","taskReferenceName":"loop","type":"DO_WHILE","inputParameters":{"n":`+itoa(n)+`},
	  "loopCondition":"$.loop.iteration < $.n",
	  "loopOver":[{"name":"inc","taskReferenceName":"inc","type":"INLINE",
	    "inputParameters":{"it":"${loop.output.iteration}","expression":"$.it"}}]}]}`), def); err != nil {
		t.Fatal(err)
	}
	d := Decider{Scripts: newScripts(t, script.Limits{})}
	s := &State{Def: def}
	var history []events.Event
	step := func(in Input, now int64) {
		t.Helper()
		s.Def = def
		res, err := d.Decide(s, in, now)
		if err != nil {
			t.Fatal(err)
		}
		history = append(history, res.Events...)
	}
	step(Input{Start: &Start{WorkflowID: "w", Def: def, DefHash: "h"}}, 10)
	for i := 0; s.Status == api.WorkflowRunning; i++ {
		loop := s.Latest("loop")
		if i > n/maxIterationsPerDecide {
			t.Fatalf("still running after %d ticks: loop at iteration %d", i, loop.Iteration)
		}
		if want := (i+1)*maxIterationsPerDecide + 1; loop.Iteration != want || loop.WaitUntil == 0 {
			t.Fatalf("after decide %d: loop at iteration %d (waitUntil %d), want %d yielded", i, loop.Iteration, loop.WaitUntil, want)
		}
		if got := Deadline(s); got != loop.WaitUntil || got > int64(20+i) {
			t.Fatalf("deadline %d, want the yield's time %d", got, loop.WaitUntil)
		}
		step(Input{Tick: true}, int64(20+i+1))
	}
	if s.Status != api.WorkflowCompleted {
		t.Fatalf("workflow %s %q", s.Status, s.Reason)
	}
	loop := s.Latest("loop")
	if loop.Status != api.TaskCompleted || loop.Iteration != n || len(s.Tasks) != n+1 {
		t.Fatalf("loop %s at iteration %d with %d rows, want COMPLETED at %d", loop.Status, loop.Iteration, len(s.Tasks), n)
	}
	if last := s.Latest(workflow.IterationRef("inc", n)); last == nil || fmt.Sprint(last.Output["result"]) != itoa(n) {
		t.Fatalf("last row %+v", last)
	}
	replayed, err := Replay(history)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := Encode(s)
	b, _ := Encode(replayed)
	if string(a) != string(b) {
		t.Fatalf("fold(history) != state")
	}
}

// TestIterationInJSON: a DO_WHILE's iteration survives the JSON round trip
// of its events (numbers come back as float64).
func TestIterationInJSON(t *testing.T) {
	s := &State{}
	for _, raw := range []string{
		`{"id":1,"type":"WorkflowStarted","time":1,"data":{"workflowId":"w","name":"n","version":1,"defHash":"h"}}`,
		`{"id":2,"type":"TaskScheduled","time":1,"taskRef":"loop","data":{"taskId":"l","taskType":"DO_WHILE","taskDefName":"loop","seq":1}}`,
		`{"id":3,"type":"TaskUpdated","time":1,"taskRef":"loop","data":{"taskId":"l","status":"IN_PROGRESS","output":{"iteration":2}}}`,
		`{"id":4,"type":"TaskScheduled","time":1,"taskRef":"body__2","data":{"taskId":"b","taskType":"x","taskDefName":"x","seq":2}}`,
	} {
		var e events.Event
		if err := json.Unmarshal([]byte(raw), &e); err != nil {
			t.Fatal(err)
		}
		if err := Apply(s, &e); err != nil {
			t.Fatal(err)
		}
	}
	if s.Tasks[0].Iteration != 2 || s.Tasks[1].Iteration != 2 {
		t.Fatalf("iterations %d %d, want 2 2", s.Tasks[0].Iteration, s.Tasks[1].Iteration)
	}
}

// The server wires pkg/script's Evaluator as the decider's Scripts.
var _ Scripts = (*script.Evaluator)(nil)
