package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
)

// nestedLoopsDef: an outer DO_WHILE (2 iterations) whose body is an inner
// DO_WHILE over a worker task (items: one iteration per element) and an
// INLINE after it that reads the inner loop's last row.
const nestedLoopsDef = `{"name":"nl_flow","version":1,"tasks":[
 {"name":"outer","taskReferenceName":"outer","type":"DO_WHILE","loopCondition":"$.outer['iteration'] < 2",
  "loopOver":[
   {"name":"inner","taskReferenceName":"inner","type":"DO_WHILE","items":"${workflow.input.items}",
    "loopOver":[{"name":"nl_work","taskReferenceName":"work","type":"SIMPLE",
      "inputParameters":{"o":"${outer.output.iteration}","item":"${inner.output.loopItem}"}}]},
   {"name":"tail","taskReferenceName":"tail","type":"INLINE","inputParameters":{"last":"${work.output.v}","expression":"$.last"}}]}]}`

// TestNestedLoops runs a DO_WHILE inside a DO_WHILE with a real worker
// polling over HTTP: body rows are named work__<outer>__<inner>, the inner
// loop restarts in every outer iteration, each loop's output records its
// own body, and fold(events) equals the stored state.
func TestNestedLoops(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/taskdefs", `[{"name":"nl_work","retryCount":0}]`).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", nestedLoopsDef).want(t, 200)
	id := string(do(t, "POST", u+"/workflow/nl_flow", `{"items":["a","b"]}`).want(t, 200).body)

	var polled []string
	wf := httpWorker{id: "nl", types: []string{"nl_work"}, batch: 5, waitMs: 100, answer: completed(func(tk *api.Task) map[string]any {
		polled = append(polled, tk.ReferenceTaskName)
		return map[string]any{"v": fmt.Sprintf("%v%v", tk.InputData["o"], tk.InputData["item"])}
	})}.drive(t, u, id, 30*time.Second)
	if wf.Status != "COMPLETED" {
		t.Fatalf("workflow %s: %s %q", id, wf.Status, wf.ReasonForIncompletion)
	}
	if want := "[work__1__1 work__1__2 work__2__1 work__2__2]"; fmt.Sprint(polled) != want {
		t.Errorf("polled %v, want %s", polled, want)
	}
	var order []string
	rows := map[string]*api.Task{}
	for _, tk := range wf.Tasks {
		order = append(order, tk.ReferenceTaskName)
		rows[tk.ReferenceTaskName] = tk
	}
	want := "[outer inner__1 work__1__1 work__1__2 tail__1 inner__2 work__2__1 work__2__2 tail__2]"
	if fmt.Sprint(order) != want {
		t.Errorf("tasks %v, want %s", order, want)
	}
	if r := rows["work__2__1"]; r.Iteration != 1 || !r.LoopOverTask || r.WorkflowTask == nil || r.WorkflowTask.TaskReferenceName != "work" {
		t.Errorf("work__2__1: %+v", r)
	}
	if r := rows["tail__2"]; r.Iteration != 2 || r.OutputData["result"] != "2b" {
		t.Errorf("tail__2: iteration %d output %v, want 2 and the inner loop's last row's v", r.Iteration, r.OutputData)
	}
	outer := rows["outer"].OutputData
	it2, _ := outer["2"].(map[string]any)
	inner, _ := it2["inner"].(map[string]any)
	first, _ := inner["1"].(map[string]any)
	if outer["iteration"] != 2.0 || inner["iteration"] != 2.0 || fmt.Sprint(first["work"]) != "map[v:2a]" {
		t.Errorf("outer output %v", outer)
	}
	checkReplay(t, testCtx(t, time.Minute), srv, []string{id})
}
