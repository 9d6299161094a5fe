package decider

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/workflow"
)

// fanoutDef is a dynamic fork over the tasks its input lists, then a JOIN.
func fanoutDef(tb testing.TB) *workflow.WorkflowDef {
	tb.Helper()
	def := &workflow.WorkflowDef{}
	if err := json.Unmarshal([]byte(`{"name":"fanout","version":1,"tasks":[
	 {"name":"fork","taskReferenceName":"fork","type":"FORK_JOIN_DYNAMIC",
	  "inputParameters":{"tasks":"${workflow.input.tasks}","inputs":"${workflow.input.inputs}"},
	  "dynamicForkTasksParam":"tasks","dynamicForkTasksInputParamName":"inputs"},
	 {"name":"join","taskReferenceName":"join","type":"JOIN"}]}`), def); err != nil {
		tb.Fatal(err)
	}
	return def
}

// fanoutInput lists n SIMPLE tasks b0..b(n-1) with an input each.
func fanoutInput(n int) map[string]any {
	tasks := make([]any, n)
	inputs := make(map[string]any, n)
	for i := range n {
		ref := fmt.Sprintf("b%d", i)
		tasks[i] = map[string]any{"name": "work", "taskReferenceName": ref, "type": "SIMPLE"}
		inputs[ref] = map[string]any{"i": i}
	}
	return map[string]any{"tasks": tasks, "inputs": inputs}
}

// runFanout starts an n-branch fork and works every branch (start, then
// complete, each its own Decide, as workers report them). It returns the
// final state and the history.
func runFanout(tb testing.TB, n int) (*State, []events.Event) {
	def := fanoutDef(tb)
	d := Decider{}
	s := &State{Def: def}
	var history []events.Event
	decide := func(in Input, at int64) Result {
		res, err := d.Decide(s, in, at)
		if err != nil {
			tb.Fatal(err)
		}
		history = append(history, res.Events...)
		return res
	}
	res := decide(Input{Start: &Start{WorkflowID: "wf", Def: def, DefHash: "h", Input: fanoutInput(n)}}, 1)
	if len(res.Dispatch) != n {
		tb.Fatalf("%d dispatched, want %d", len(res.Dispatch), n)
	}
	for i, ds := range res.Dispatch {
		decide(Input{TaskStarted: &TaskStarted{TaskID: ds.TaskID, WorkerID: "w"}}, int64(2+i))
		decide(Input{TaskResult: &api.TaskResult{WorkflowInstanceID: "wf", TaskID: ds.TaskID,
			Status: api.TaskCompleted, OutputData: map[string]any{"i": i}}}, int64(2+i))
	}
	if s.Status != api.WorkflowCompleted {
		tb.Fatalf("workflow %s, want COMPLETED", s.Status)
	}
	return s, history
}

// TestFanoutReplay runs a 10,000-branch dynamic fork: every branch runs
// once, the JOIN's output has every branch's, and replaying the history
// (from the event encoding, as a load does) rebuilds the state exactly.
func TestFanoutReplay(t *testing.T) {
	const n = 10_000
	s, history := runFanout(t, n)
	started := map[string]int{}
	for _, e := range history {
		if e.TaskStarted != nil {
			started[e.TaskStarted.TaskID]++
		}
	}
	if len(started) != n {
		t.Fatalf("%d branches started, want %d", len(started), n)
	}
	for id, k := range started {
		if k != 1 {
			t.Fatalf("task %s started %d times", id, k)
		}
	}
	join := s.Latest("join")
	if join.Status != api.TaskCompleted || len(join.Output) != n {
		t.Fatalf("JOIN %s with %d outputs, want COMPLETED with %d", join.Status, len(join.Output), n)
	}
	for i := range n {
		out, _ := join.Output[fmt.Sprintf("b%d", i)].(map[string]any)
		if out["i"] != i {
			t.Fatalf("JOIN output of b%d = %v", i, out)
		}
	}
	raw, err := json.Marshal(history)
	if err != nil {
		t.Fatal(err)
	}
	var decoded []events.Event
	if err := json.Unmarshal(raw, &decoded); err != nil {
		t.Fatal(err)
	}
	replayed, err := Replay(decoded)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := Encode(s)
	b, _ := Encode(replayed)
	if string(a) != string(b) {
		t.Fatalf("fold(history) != state after %d events", len(history))
	}
}

// BenchmarkFanout reports the decider's cost per branch of a dynamic
// fork; it should not grow with the number of branches.
func BenchmarkFanout(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for range b.N {
				runFanout(b, n)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/branch")
		})
	}
}

// TestForkedTaskDefsRows: rows written before forkedDefinitionsKey list
// every forked task in forkedTaskDefs; their tasks are read from there,
// TaskDefs included.
func TestForkedTaskDefsRows(t *testing.T) {
	def := fanoutDef(t)
	s := &State{Def: def}
	if _, err := (Decider{}).Decide(s, Input{Start: &Start{WorkflowID: "wf", Def: def, DefHash: "h", Input: fanoutInput(3)}}, 1); err != nil {
		t.Fatal(err)
	}
	fork := s.Latest("fork")
	old := map[string]any{}
	for k, v := range fork.Input {
		old[k] = v
	}
	old["tasks"] = nil // only forkedTaskDefs says what was forked
	old["forkedTaskDefs"] = []any{
		map[string]any{"name": "work", "taskReferenceName": "b0", "taskDefinition": map[string]any{"name": "work", "retryCount": 7}},
		map[string]any{"name": "work", "taskReferenceName": "b1"},
		map[string]any{"name": "work", "taskReferenceName": "b2"},
	}
	fork.Input = old
	s.ix = nil
	g := graphOf(def)
	for _, ref := range []string{"b0", "b1", "b2"} {
		if forkedTaskOf(s, g, ref) == nil {
			t.Fatalf("forked task %s not found in an old row", ref)
		}
	}
	if td := forkedTaskOf(s, g, "b0").wt.TaskDefinition; td == nil || td.RetryCount == nil || *td.RetryCount != 7 {
		t.Fatalf("b0's TaskDefinition = %+v, want retryCount 7", td)
	}
}

// BenchmarkThreeSteps is the decider's part of the order_fulfillment
// benchmark: a start, then each of three worker tasks started and
// completed.
func BenchmarkThreeSteps(b *testing.B) {
	def := &workflow.WorkflowDef{}
	if err := json.Unmarshal([]byte(`{"name":"order","version":1,"tasks":[
	 {"name":"validate","taskReferenceName":"validate","inputParameters":{"order":"${workflow.input.order}"}},
	 {"name":"charge","taskReferenceName":"charge","inputParameters":{"amount":"${validate.output.amount}"}},
	 {"name":"ship","taskReferenceName":"ship","inputParameters":{"order":"${workflow.input.order}"}}]}`), def); err != nil {
		b.Fatal(err)
	}
	d := Decider{}
	for range b.N {
		s := &State{Def: def}
		res, err := d.Decide(s, Input{Start: &Start{WorkflowID: "wf", Def: def, DefHash: "h", Input: map[string]any{"order": "o1"}}}, 1)
		for step := 0; err == nil && len(res.Dispatch) > 0; step++ {
			id := res.Dispatch[0].TaskID
			if _, err = d.Decide(s, Input{TaskStarted: &TaskStarted{TaskID: id, WorkerID: "w"}}, 2); err == nil {
				res, err = d.Decide(s, Input{TaskResult: &api.TaskResult{WorkflowInstanceID: "wf", TaskID: id,
					Status: api.TaskCompleted, OutputData: map[string]any{"amount": 10}}}, 3)
			}
		}
		if err != nil || s.Status != api.WorkflowCompleted {
			b.Fatalf("%v %s", err, s.Status)
		}
	}
}
