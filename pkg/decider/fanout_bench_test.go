package decider

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/legatohq/legato/pkg/api"
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
// complete, each its own Decide, as workers report them).
func runFanout(tb testing.TB, n int) *State {
	def := fanoutDef(tb)
	d := Decider{}
	s := &State{Def: def}
	res, err := d.Decide(s, Input{Start: &Start{WorkflowID: "wf", Def: def, DefHash: "h", Input: fanoutInput(n)}}, 1)
	if err != nil {
		tb.Fatal(err)
	}
	if len(res.Dispatch) != n {
		tb.Fatalf("%d dispatched, want %d", len(res.Dispatch), n)
	}
	for i, ds := range res.Dispatch {
		if _, err := d.Decide(s, Input{TaskStarted: &TaskStarted{TaskID: ds.TaskID, WorkerID: "w"}}, int64(2+i)); err != nil {
			tb.Fatal(err)
		}
		if _, err := d.Decide(s, Input{TaskResult: &api.TaskResult{WorkflowInstanceID: "wf", TaskID: ds.TaskID,
			Status: api.TaskCompleted, OutputData: map[string]any{"i": i}}}, int64(2+i)); err != nil {
			tb.Fatal(err)
		}
	}
	if s.Status != api.WorkflowCompleted {
		tb.Fatalf("workflow %s, want COMPLETED", s.Status)
	}
	return s
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
