package e2e

import (
	"testing"
)

// TestTaskViewParents: GET /workflow/{id} gives every task what a UI needs
// to draw the run as a graph: seq, iteration and loopOverTask for loop-body
// rows, and parentTaskId naming the DO_WHILE row for loop-body rows and the
// FORK row (of the same iteration) for rows in fork branches.
func TestTaskViewParents(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/taskdefs", `[{"name":"tv_a","retryCount":0}]`).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", `{"name":"tv_loop","version":1,"tasks":[
 {"name":"tv_a","taskReferenceName":"first"},
 {"name":"loop","taskReferenceName":"loop","type":"DO_WHILE","inputParameters":{"n":2},
  "loopCondition":"$.loop['iteration'] < $.n",
  "loopOver":[
   {"name":"tv_a","taskReferenceName":"t0"},
   {"name":"fork","taskReferenceName":"fork","type":"FORK_JOIN","forkTasks":[
     [{"name":"tv_a","taskReferenceName":"t1"}],[{"name":"tv_a","taskReferenceName":"t2"}]]},
   {"name":"join","taskReferenceName":"join","type":"JOIN","joinOn":["t1","t2"]}]},
 {"name":"tv_a","taskReferenceName":"last"}]}`).want(t, 200)
	id := string(do(t, "POST", u+"/workflow/tv_loop", `{}`).want(t, 200).body)
	if wf := driveFixture(t, u, id, []string{"tv_a"}); wf.Status != "COMPLETED" {
		t.Fatalf("workflow %s: %s (%s)", id, wf.Status, wf.ReasonForIncompletion)
	}
	wf := readWorkflow(t, u, id)
	byRef := map[string]string{}
	for _, tk := range wf.Tasks {
		byRef[tk.ReferenceTaskName] = tk.TaskID
	}
	want := map[string]string{
		"first": "", "loop": "", "last": "",
		"t0__1": "loop", "fork__1": "loop", "join__1": "loop", "t1__1": "fork__1", "t2__1": "fork__1",
		"t0__2": "loop", "fork__2": "loop", "join__2": "loop", "t1__2": "fork__2", "t2__2": "fork__2",
	}
	if len(wf.Tasks) != len(want) {
		t.Fatalf("%d tasks, want %d: %+v", len(wf.Tasks), len(want), wf.Tasks)
	}
	for i, tk := range wf.Tasks {
		parent, ok := want[tk.ReferenceTaskName]
		if !ok {
			t.Errorf("unexpected task %s", tk.ReferenceTaskName)
			continue
		}
		if tk.Seq != i+1 {
			t.Errorf("%s: seq %d, want %d", tk.ReferenceTaskName, tk.Seq, i+1)
		}
		if tk.ParentTaskID != byRef[parent] {
			t.Errorf("%s: parentTaskId %q, want %s's (%q)", tk.ReferenceTaskName, tk.ParentTaskID, parent, byRef[parent])
		}
		inLoop := parent != ""
		if tk.LoopOverTask != (inLoop || tk.ReferenceTaskName == "loop") || (inLoop && tk.Iteration != int(tk.ReferenceTaskName[len(tk.ReferenceTaskName)-1]-'0')) {
			t.Errorf("%s: iteration %d loopOverTask %t", tk.ReferenceTaskName, tk.Iteration, tk.LoopOverTask)
		}
	}
}
