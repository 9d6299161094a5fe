package e2e

import (
	"fmt"
	"testing"
	"time"
)

// dynForkLoopDef: a DO_WHILE (2 iterations) whose body is a dynamic fork
// of sub-workflows (forkTaskWorkflow) and its JOIN, then a dynamic fork in
// the legacy dynamicForkJoinTasksParam form.
const dynForkLoopDef = `{"name":"dfl_flow","version":1,"tasks":[
 {"name":"loop","taskReferenceName":"loop","type":"DO_WHILE","loopCondition":"$.loop['iteration'] < 2",
  "loopOver":[
   {"name":"subs","taskReferenceName":"subs","type":"FORK_JOIN_DYNAMIC",
    "inputParameters":{"forkTaskWorkflow":"dfl_child","forkTaskWorkflowVersion":"1",
      "forkTaskInputs":[{"n":"${loop.output.iteration}"},"x"]}},
   {"name":"subs_join","taskReferenceName":"subs_join","type":"JOIN"}]},
 {"name":"legacy","taskReferenceName":"legacy","type":"FORK_JOIN_DYNAMIC","dynamicForkJoinTasksParam":"dyn",
  "inputParameters":{"dyn":{"dynamicTasks":[
    {"taskName":"dfl_work","referenceName":"l1","input":{"k":1}},
    {"taskName":"dfl_work","referenceName":"l2","input":{"k":2}}]}}},
 {"name":"legacy_join","taskReferenceName":"legacy_join","type":"JOIN"}]}`

const dynForkChildDef = `{"name":"dfl_child","version":1,"tasks":[
 {"name":"dfl_work","taskReferenceName":"cw","inputParameters":{"n":"${workflow.input.n}","input":"${workflow.input.input}"}}],
 "outputParameters":{"got":"${cw.output.op}","n":"${workflow.input.n}"}}`

// TestDynamicForkInLoop runs dynamic forks of sub-workflows inside a
// DO_WHILE and a legacy dynamic fork after it, with real workers: forked
// rows are named _<fork>_<i>__<iteration>, each iteration's JOIN collects
// its own children's outputs, and every history folds to its state.
func TestDynamicForkInLoop(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/taskdefs", `[{"name":"dfl_work","retryCount":0}]`).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", dynForkChildDef).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", dynForkLoopDef).want(t, 200)
	id := string(do(t, "POST", u+"/workflow/dfl_flow", `{}`).want(t, 200).body)
	wf := driveFixture(t, u, id, []string{"dfl_work"})
	if wf.Status != "COMPLETED" {
		t.Fatalf("workflow %s: %s %q", id, wf.Status, wf.ReasonForIncompletion)
	}
	var order []string
	for _, tk := range wf.Tasks {
		order = append(order, tk.ReferenceTaskName)
	}
	want := "[loop subs__1 _subs_0__1 _subs_1__1 subs_join__1 subs__2 _subs_0__2 _subs_1__2 subs_join__2 legacy l1 l2 legacy_join]"
	if fmt.Sprint(order) != want {
		t.Errorf("tasks %v, want %s", order, want)
	}
	full := readWorkflow(t, u, id)
	ids := []string{id}
	rows := map[string]map[string]any{}
	for _, tk := range full.Tasks {
		rows[tk.ReferenceTaskName] = tk.OutputData
		if tk.TaskType == "SUB_WORKFLOW" {
			if tk.SubWorkflowID == "" {
				t.Errorf("%s has no subWorkflowId", tk.ReferenceTaskName)
			}
			ids = append(ids, tk.SubWorkflowID)
		}
	}
	join2 := rows["subs_join__2"]
	first, _ := join2["_subs_0__2"].(map[string]any)
	if first["n"] != 2.0 || first["got"] != "op-cw" || join2["_subs_1__2"] == nil {
		t.Errorf("subs_join__2 output %v, want the iteration-2 children's outputs", join2)
	}
	if legacy := rows["legacy_join"]; legacy["l1"] == nil || legacy["l2"] == nil {
		t.Errorf("legacy_join output %v", legacy)
	}
	checkReplay(t, testCtx(t, time.Minute), srv, ids)
}
