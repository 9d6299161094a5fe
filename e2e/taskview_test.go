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
		t.Fatalf("workflow %s: %s (%s)", id, wf.Status, wf.Reason)
	}
	var wf struct {
		Tasks []struct {
			TaskID       string `json:"taskId"`
			Ref          string `json:"referenceTaskName"`
			Seq          int    `json:"seq"`
			Iteration    int    `json:"iteration"`
			LoopOverTask bool   `json:"loopOverTask"`
			ParentTaskID string `json:"parentTaskId"`
		} `json:"tasks"`
	}
	do(t, "GET", u+"/workflow/"+id, nil).want(t, 200).json(t, &wf)
	byRef := map[string]string{}
	for _, tk := range wf.Tasks {
		byRef[tk.Ref] = tk.TaskID
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
		parent, ok := want[tk.Ref]
		if !ok {
			t.Errorf("unexpected task %s", tk.Ref)
			continue
		}
		if tk.Seq != i+1 {
			t.Errorf("%s: seq %d, want %d", tk.Ref, tk.Seq, i+1)
		}
		if tk.ParentTaskID != byRef[parent] {
			t.Errorf("%s: parentTaskId %q, want %s's (%q)", tk.Ref, tk.ParentTaskID, parent, byRef[parent])
		}
		inLoop := parent != ""
		if tk.LoopOverTask != (inLoop || tk.Ref == "loop") || (inLoop && tk.Iteration != int(tk.Ref[len(tk.Ref)-1]-'0')) {
			t.Errorf("%s: iteration %d loopOverTask %t", tk.Ref, tk.Iteration, tk.LoopOverTask)
		}
	}
}
