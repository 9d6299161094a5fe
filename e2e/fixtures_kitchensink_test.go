package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
)

// kitchenSinkChild stands in for Conductor's sample sub_flow_1, which is
// not among the copied fixtures: one worker task.
const kitchenSinkChild = `{"name":"sub_flow_1","version":1,"tasks":[
 {"name":"task_5","taskReferenceName":"task_5","inputParameters":{"mod":"${workflow.input.mod}"}}],
 "outputParameters":{"child":"${task_5.output.op}"}}`

// TestConductorFixtureKitchenSink runs Conductor's kitchensink sample
// (SIMPLE, EVENT, DYNAMIC, DECISION, FORK_JOIN_DYNAMIC, FORK_JOIN with
// SUB_WORKFLOWs, HTTP and JSONPath deep scans) down both DECISION cases,
// with workers that answer as the sample's do: the DYNAMIC task says
// odd or even, task_4 lists the tasks to fork. Its HTTP task calls a local
// stand-in for Elasticsearch (a modified copy of the definition).
func TestConductorFixtureKitchenSink(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(conductorFixtures, "kitchensink.json"))
	if err != nil {
		t.Skipf("Conductor fixtures not found at %s (shared/reference beside the repository): %v", conductorFixtures, err)
	}
	es := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"hits":{"hits":[{"_source":{"workflowId":"w1","status":"COMPLETED"}},{"_source":{"workflowId":"w2","status":"FAILED"}}]}}`))
	}))
	defer es.Close()
	raw = []byte(strings.ReplaceAll(string(raw), "http://localhost:9200", es.URL))

	srv := startServer(t, "")
	u := srv.URL + "/api"
	types := []string{"task_1", "task_4", "task_5", "task_10", "task_11", "task_30", "task_20", "task_21"}
	var tds []map[string]any
	for _, n := range types {
		tds = append(tds, map[string]any{"name": n, "retryCount": 0})
	}
	do(t, "POST", u+"/metadata/taskdefs", tds).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", kitchenSinkChild).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", raw).want(t, 200)

	// The workers: task_1 and task_5 (the DYNAMIC task, and the child's)
	// answer with the run's mod as mod and oddEven; task_4 forks task_20
	// and task_21.
	output := func(tk *api.Task, mod string) map[string]any {
		switch tk.TaskType {
		case "task_1", "task_5":
			return map[string]any{"oddEven": mod, "mod": mod, "op": "op-" + tk.ReferenceTaskName}
		case "task_4":
			return map[string]any{
				"dynamicTasks": []any{map[string]any{"name": "task_20", "taskReferenceName": "dt20"},
					map[string]any{"name": "task_21", "taskReferenceName": "dt21"}},
				"inputs": map[string]any{"dt20": map[string]any{"k": 20}, "dt21": map[string]any{"k": 21}},
			}
		}
		return map[string]any{"op": "op-" + tk.ReferenceTaskName}
	}
	cases := []struct {
		mod     string
		ran     []string
		skipped []string
	}{
		{mod: "0", ran: []string{"task_1", "event_0", "task_2", "oddEvenDecision", "task_4", "fanout1", "dt20", "dt21", "join1", "get_es_1", "task_30"},
			skipped: []string{"forkx", "wf3"}},
		{mod: "1", ran: []string{"task_1", "event_0", "task_2", "oddEvenDecision", "forkx", "task_10", "wf3", "task_11", "wf4", "join2", "get_es_1", "task_30"},
			skipped: []string{"task_4", "fanout1"}},
	}
	var ids []string
	for _, c := range cases {
		id := string(do(t, "POST", u+"/workflow/kitchensink", fmt.Sprintf(`{"task2Name":"task_5","mod":%q,"oddEven":%q}`, c.mod, c.mod)).want(t, 200).body)
		ids = append(ids, id)
		wf := httpWorker{id: "ks", types: types, batch: 10, waitMs: 10, answer: completed(func(tk *api.Task) map[string]any {
			return output(tk, c.mod)
		})}.drive(t, u, id, 30*time.Second)
		if wf.Status != "COMPLETED" {
			t.Fatalf("mod %s: %s %q", c.mod, wf.Status, wf.ReasonForIncompletion)
		}
		wf.checkRan(t, "mod "+c.mod, c.ran, c.skipped)
		if ev := wf.row("event_0").OutputData["event_produced"]; ev != "conductor:kitchensink:event_0" {
			t.Errorf("mod %s: event_0 produced %v", c.mod, ev)
		}
		if got := fmt.Sprint(wf.Output["statues"], wf.Output["workflowIds"]); got != "[COMPLETED FAILED] [w1 w2]" {
			t.Errorf("mod %s: output %v, want the deep-scanned statuses and ids", c.mod, wf.Output)
		}
		if c.mod == "0" && fmt.Sprint(wf.row("dt21").InputData["k"]) != "21" {
			t.Errorf("dt21 input %v", wf.row("dt21").InputData)
		}
		if c.mod == "1" {
			if sub := wf.row("wf4"); sub.OutputData["child"] != "op-task_5" {
				t.Errorf("wf4 output %v, want the child's", sub.OutputData)
			}
		}
	}
	checkReplay(t, testCtx(t, time.Minute), srv, ids)
}
