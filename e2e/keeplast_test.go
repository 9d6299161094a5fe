package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
)

// TestKeepLastN runs a DO_WHILE with keepLastN 2 over 4 iterations of a
// worker task polled over HTTP: the workflow keeps the last 2 iterations'
// rows and output entries, a removed row is gone from the task API too,
// the history still holds everything (fold(events) equals the state), and
// new rows keep their place in seq.
func TestKeepLastN(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/taskdefs", `[{"name":"kl_work","retryCount":0}]`).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", `{"name":"kl_flow","version":1,"tasks":[
	 {"name":"loop","taskReferenceName":"loop","type":"DO_WHILE","inputParameters":{"keepLastN":2},
	  "loopCondition":"$.loop['iteration'] < 4",
	  "loopOver":[{"name":"kl_work","taskReferenceName":"work","inputParameters":{"i":"${loop.output.iteration}"}}]}]}`).want(t, 200)
	id := string(do(t, "POST", u+"/workflow/kl_flow", `{}`).want(t, 200).body)

	var first string
	wf := httpWorker{id: "kl", types: []string{"kl_work"}, batch: 5, waitMs: 100, answer: completed(func(tk *api.Task) map[string]any {
		if first == "" {
			first = tk.TaskID
		}
		return map[string]any{"i": tk.InputData["i"]}
	})}.drive(t, u, id, 30*time.Second)
	if wf.Status != "COMPLETED" {
		t.Fatalf("workflow %s: %s %q", id, wf.Status, wf.ReasonForIncompletion)
	}
	var rows []string
	for _, tk := range wf.Tasks {
		rows = append(rows, fmt.Sprintf("%s#%d", tk.ReferenceTaskName, tk.Seq))
	}
	if want := "[loop#1 work__3#4 work__4#5]"; fmt.Sprint(rows) != want {
		t.Errorf("tasks %v, want %s", rows, want)
	}
	out := wf.Tasks[0].OutputData
	if len(out) != 3 || out["iteration"] != 4.0 || out["3"] == nil || out["4"] == nil {
		t.Errorf("loop output %v, want iterations 3 and 4 only", out)
	}
	do(t, "GET", u+"/tasks/"+first, nil).want(t, 404)
	checkReplay(t, testCtx(t, time.Minute), srv, []string{id})
}
