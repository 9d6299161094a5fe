package e2e

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
)

// loopsDef is INLINE → DO_WHILE (a worker task and a JSON_JQ_TRANSFORM
// that accumulates the worker's values) → LAMBDA that sums them.
const loopsDef = `{"name":"lp_flow","version":1,"tasks":[
 {"name":"prep","taskReferenceName":"prep","type":"INLINE","inputParameters":{"n":"${workflow.input.n}",
   "expression":"({count: $.n, label: 'x' + $.n})"}},
 {"name":"loop","taskReferenceName":"loop","type":"DO_WHILE","inputParameters":{"count":"${prep.output.result.count}"},
  "loopCondition":"$.loop['iteration'] < $.count",
  "loopOver":[
   {"name":"lp_work","taskReferenceName":"work","type":"SIMPLE","inputParameters":{"i":"${loop.output.iteration}","acc":"${shape.output.result}"}},
   {"name":"shape","taskReferenceName":"shape","type":"JSON_JQ_TRANSFORM",
    "inputParameters":{"v":"${work.output.v}","acc":"${shape.output.result}","queryExpression":"(.acc // []) + [.v]"}}]},
 {"name":"sum","taskReferenceName":"sum","type":"LAMBDA","inputParameters":{"list":"${shape.output.result}","label":"${prep.output.result.label}",
   "scriptExpression":"var s = 0; for (var i = 0; i < $.list.length; i++) { s += $.list[i]; } return {sum: s, n: $.list.length, label: $.label};"}}]}`

// TestLoops runs INLINE → DO_WHILE (worker task polled over HTTP, then
// JSON_JQ_TRANSFORM) → LAMBDA: body rows are named ref__n, expressions
// read the latest iteration, and one iteration is completed by reference
// name (POST /tasks/{id}/work/COMPLETED matches work__n).
func TestLoops(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/taskdefs", `[{"name":"lp_work","retryCount":0}]`).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", loopsDef).want(t, 200)
	id := string(do(t, "POST", u+"/workflow/lp_flow", `{"n":3}`).want(t, 200).body)

	polled := 0
	wf := httpWorker{id: "lp", types: []string{"lp_work"}, batch: 5, waitMs: 100, answer: func(tk *api.Task) (string, map[string]any) {
		polled++
		if want := fmt.Sprintf("work__%d", polled); tk.ReferenceTaskName != want || tk.Iteration != polled || tk.InputData["i"] != float64(polled) {
			t.Fatalf("polled %s (iteration %d, input %v), want %s", tk.ReferenceTaskName, tk.Iteration, tk.InputData, want)
		}
		out := map[string]any{"v": float64(polled * 10)}
		if polled == 2 {
			// By reference name: the loop's open row of "work".
			do(t, "POST", u+"/tasks/"+id+"/work/COMPLETED", out).want(t, 200)
			return "", nil
		}
		return "COMPLETED", out
	}}.drive(t, u, id, 30*time.Second)
	if wf.Status != "COMPLETED" {
		t.Fatalf("workflow %s: %s %q", id, wf.Status, wf.ReasonForIncompletion)
	}
	result, _ := wf.Output["result"].(map[string]any)
	if result["sum"] != 60.0 || result["n"] != 3.0 || result["label"] != "x3" {
		t.Errorf("output %v, want the LAMBDA's {sum: 60, n: 3, label: x3}", wf.Output)
	}
	rows := map[string]*api.Task{}
	var order []string
	for _, tk := range wf.Tasks {
		rows[tk.ReferenceTaskName] = tk
		order = append(order, tk.ReferenceTaskName)
		base := tk.ReferenceTaskName
		if tk.Iteration > 0 && tk.TaskType != "DO_WHILE" {
			base = base[:len(base)-3]
		}
		if tk.WorkflowTask == nil || tk.WorkflowTask.TaskReferenceName != base {
			t.Errorf("task %s has workflowTask %+v, want %s", tk.ReferenceTaskName, tk.WorkflowTask, base)
		}
	}
	want := []string{"prep", "loop", "work__1", "shape__1", "work__2", "shape__2", "work__3", "shape__3", "sum"}
	if fmt.Sprint(order) != fmt.Sprint(want) {
		t.Errorf("tasks %v, want %v", order, want)
	}
	loop := rows["loop"]
	if loop.Status != "COMPLETED" || loop.Iteration != 3 || !loop.LoopOverTask || loop.OutputData["iteration"] != 3.0 {
		t.Errorf("loop row: %s iteration %d output %v", loop.Status, loop.Iteration, loop.OutputData)
	}
	for n := 1; n <= 3; n++ {
		it, _ := loop.OutputData[fmt.Sprint(n)].(map[string]any)
		shape, _ := it["shape"].(map[string]any)
		work, _ := it["work"].(map[string]any)
		if len(shape["result"].([]any)) != n || work["v"] != float64(n*10) {
			t.Errorf("loop output for iteration %d: %v", n, it)
		}
		if r := rows[fmt.Sprintf("shape__%d", n)]; r.Iteration != n || !r.LoopOverTask {
			t.Errorf("shape__%d: iteration %d loopOverTask %t", n, r.Iteration, r.LoopOverTask)
		}
	}
	if acc := rows["work__3"].InputData["acc"]; fmt.Sprint(acc) != "[10 20]" {
		t.Errorf("work__3 input acc %v, want the previous iteration's shape result [10 20]", acc)
	}
	if rows["sum"].Iteration != 0 || rows["sum"].LoopOverTask {
		t.Errorf("sum is outside the loop: %+v", rows["sum"])
	}
	// System tasks are never offered to workers.
	for _, typ := range []string{"INLINE", "DO_WHILE", "JSON_JQ_TRANSFORM", "LAMBDA"} {
		var none []any
		do(t, "GET", u+"/tasks/poll/batch/"+typ+"?workerid=lp&timeout=20", nil).want(t, 200).json(t, &none)
		if len(none) != 0 {
			t.Errorf("poll %s: %v", typ, none)
		}
	}

	// A script error in the loop condition fails the DO_WHILE and the
	// workflow, with the reason.
	bad := `{"name":"lp_bad","version":1,"tasks":[
	 {"name":"loop","taskReferenceName":"loop","type":"DO_WHILE","loopCondition":"$.nothing.here",
	  "loopOver":[{"name":"noop","taskReferenceName":"noop","type":"NOOP"}]}]}`
	do(t, "POST", u+"/metadata/workflow", bad).want(t, 200)
	badID := string(do(t, "POST", u+"/workflow/lp_bad", `{}`).want(t, 200).body)
	bwf := readWorkflow(t, u, badID)
	if bwf.Status != "FAILED" || len(bwf.Tasks) != 2 || bwf.Tasks[0].Status != "FAILED_WITH_TERMINAL_ERROR" {
		b, _ := json.Marshal(bwf)
		t.Errorf("bad condition: %s", b)
	}
	checkReplay(t, testCtx(t, time.Minute), srv, []string{id, badID})
}
