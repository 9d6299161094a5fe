package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestFailureWorkflow: a workflow that fails starts its failureWorkflow
// (a literal name, or one read from the input) with upstream's input, and
// records its id; an operator's terminate starts none; a failure workflow
// that cannot start is reported in the output.
func TestFailureWorkflow(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/taskdefs", `[{"name":"fw_step","retryCount":0},{"name":"fw_undo","retryCount":0}]`).want(t, 200)
	do(t, "PUT", u+"/metadata/workflow", `[
 {"name":"fw_cleanup","version":1,"tasks":[{"name":"fw_undo","taskReferenceName":"undo","inputParameters":{"failed":"${workflow.input.workflowId}"}}]},
 {"name":"fw_main","version":1,"failureWorkflow":"fw_cleanup","tasks":[{"name":"fw_step","taskReferenceName":"step"}]},
 {"name":"fw_dynamic","version":1,"failureWorkflow":"$workflow.input.onFailure","tasks":[{"name":"fw_step","taskReferenceName":"step"}]}]`).want(t, 200)
	var ids []string
	failStep := func(name, input string) (string, view) {
		id := string(do(t, "POST", u+"/workflow/"+name+"?correlationId=order-7", input).want(t, 200).body)
		ids = append(ids, id)
		tasks := pollBatch(t, u, "fw_step", 2000)
		if len(tasks) != 1 {
			t.Fatalf("polled %d fw_step tasks", len(tasks))
		}
		do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": tasks[0].WorkflowInstanceID, "taskId": tasks[0].TaskID,
			"status": "FAILED_WITH_TERMINAL_ERROR", "reasonForIncompletion": "card declined"}).want(t, 200)
		return id, awaitWorkflow(t, u, id, "ended", ended)
	}

	t.Run("literal name", func(t *testing.T) {
		id, wf := failStep("fw_main", `{"orderId":"o-7"}`)
		if wf.Status != "FAILED" {
			t.Fatalf("workflow %s %q", wf.Status, wf.ReasonForIncompletion)
		}
		fid := failureWorkflowOf(t, u, wf)
		ids = append(ids, fid)
		fw := readWorkflow(t, u, fid)
		in := fw.Input
		failed, _ := in["failedWorkflow"].(map[string]any)
		switch {
		case fw.WorkflowName != "fw_cleanup", fw.Status != "RUNNING", fw.CorrelationID != "order-7":
			t.Errorf("failure workflow %s %s correlation %q", fw.WorkflowName, fw.Status, fw.CorrelationID)
		case in["workflowId"] != id, in["failureStatus"] != "FAILED", in["orderId"] != "o-7",
			!strings.Contains(in["reason"].(string), "card declined"), in["failureTaskId"] != wf.row("step").TaskID:
			t.Errorf("failure workflow input %v", in)
		case failed == nil || failed["workflowId"] != id || failed["status"] != "FAILED":
			t.Errorf("failedWorkflow %v", failed)
		}
		// The failure workflow runs like any other.
		tasks := pollBatch(t, u, "fw_undo", 2000)
		if len(tasks) != 1 || tasks[0].InputData["failed"] != id {
			t.Fatalf("fw_undo tasks %+v", tasks)
		}
		do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": fid, "taskId": tasks[0].TaskID, "status": "COMPLETED"}).want(t, 200)
		if fw := awaitWorkflow(t, u, fid, "ended", ended); fw.Status != "COMPLETED" {
			t.Errorf("failure workflow %s", fw.Status)
		}
	})

	t.Run("name from input, not registered", func(t *testing.T) {
		id, wf := failStep("fw_dynamic", `{"onFailure":"fw_missing"}`)
		if wf.Status != "FAILED" {
			t.Fatalf("workflow %s %q", wf.Status, wf.ReasonForIncompletion)
		}
		awaitWorkflow(t, u, id, "recording the failed start", func(wf view) bool {
			got, _ := wf.Output["conductor.failure_workflow"].(string)
			return strings.HasPrefix(got, "Error workflow fw_missing failed to start")
		})
	})

	t.Run("operator terminate", func(t *testing.T) {
		id := string(do(t, "POST", u+"/workflow/fw_main", `{}`).want(t, 200).body)
		ids = append(ids, id)
		do(t, "DELETE", u+"/workflow/"+id+"?reason=stop", nil).want(t, 200)
		// The sleep is the point: no failure workflow may start, and a start
		// would follow the commit at once.
		time.Sleep(300 * time.Millisecond)
		if wf := readWorkflow(t, u, id); wf.Status != "TERMINATED" || wf.Output["conductor.failure_workflow"] != nil {
			t.Errorf("terminated workflow %s output %v", wf.Status, wf.Output)
		}
		var running []string
		do(t, "GET", u+"/workflow/running/fw_cleanup", nil).want(t, 200).json(t, &running)
		if len(running) != 0 {
			t.Errorf("failure workflows running after an operator's terminate: %v", running)
		}
	})
	checkReplay(t, testCtx(t, time.Minute), srv, ids)
}

// failureWorkflowOf returns the failure workflow a failed workflow names
// in its output, once it has started: the start follows the failed
// workflow's commit.
func failureWorkflowOf(t *testing.T, u string, wf view) string {
	t.Helper()
	id, _ := wf.Output["conductor.failure_workflow"].(string)
	if id == "" {
		t.Fatalf("output %v names no failure workflow", wf.Output)
	}
	var c call
	started := func() bool { c = do(t, "GET", u+"/workflow/"+id, nil); return c.status != 404 }
	if !await(t, 10*time.Second, started) || c.status != 200 {
		t.Fatalf("failure workflow %s: %d %s", id, c.status, c.body)
	}
	return id
}

// TestConductorFixturesSaga runs the saga cookbook fixtures: the order
// saga's HTTP steps call a local server (a modified copy of the
// definitions); when shipping fails for good, saga_order_compensation
// starts with the failed execution and undoes exactly the completed steps.
func TestConductorFixturesSaga(t *testing.T) {
	saga, err := os.ReadFile(filepath.Join(conductorFixtures, "saga-order-fulfillment.json"))
	if err != nil {
		t.Skipf("Conductor fixtures not found at %s (shared/reference beside the repository): %v", conductorFixtures, err)
	}
	comp, err := os.ReadFile(filepath.Join(conductorFixtures, "saga-order-compensation.json"))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	calls := map[string]int{}
	shop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		calls[r.URL.Path]++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/shipping/book" && r.URL.Query().Get("status") == "fail":
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"error":"no carrier"}`))
		case r.URL.Path == "/inventory/reserve":
			w.Write([]byte(`{"reservationId":"r-1"}`))
		case r.URL.Path == "/payments/charge":
			w.Write([]byte(`{"chargeId":"c-1"}`))
		default:
			w.Write([]byte(`{"ok":true}`))
		}
	}))
	defer shop.Close()
	local := func(raw []byte) string { return strings.ReplaceAll(string(raw), "http://localhost:8088", shop.URL) }

	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/workflow", local(comp)).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", local(saga)).want(t, 200)

	ok := string(do(t, "POST", u+"/workflow/saga_order_fulfillment", `{"orderId":"o-1","amount":42,"shipmentStatus":"ok"}`).want(t, 200).body)
	if wf := awaitWorkflow(t, u, ok, "ended", ended); wf.Status != "COMPLETED" ||
		wf.Output["reservationId"] != "r-1" || wf.Output["chargeId"] != "c-1" {
		t.Fatalf("happy saga: %s %q %v", wf.Status, wf.ReasonForIncompletion, wf.Output)
	}

	bad := string(do(t, "POST", u+"/workflow/saga_order_fulfillment", `{"orderId":"o-2","amount":42,"shipmentStatus":"fail"}`).want(t, 200).body)
	wf := awaitWorkflow(t, u, bad, "ended", ended)
	if wf.Status != "FAILED" {
		t.Fatalf("failing saga: %s %q", wf.Status, wf.ReasonForIncompletion)
	}
	if n := len(wf.Tasks); n != 4 || wf.Tasks[3].ReferenceTaskName != "book_shipment" {
		t.Errorf("failing saga tasks (want book_shipment retried once): %+v", wf.Tasks)
	}
	cid := failureWorkflowOf(t, u, wf)
	cw := awaitWorkflow(t, u, cid, "ended", ended)
	if cw.Status != "COMPLETED" || cw.Output["compensatedOrder"] != "o-2" ||
		cw.Output["paymentRefunded"] != true || cw.Output["inventoryReleased"] != true {
		t.Fatalf("compensation: %s %q %v", cw.Status, cw.ReasonForIncompletion, cw.Output)
	}
	if r := cw.Output["originalFailure"].(string); !strings.Contains(r, "503") {
		t.Errorf("compensation originalFailure %q does not carry the shipping failure", r)
	}
	mu.Lock()
	defer mu.Unlock()
	if calls["/payments/refund"] != 1 || calls["/inventory/release"] != 1 || calls["/shipping/book"] != 3 {
		t.Errorf("calls %v: want one refund, one release, three bookings (one ok, two failed)", calls)
	}
	checkReplay(t, testCtx(t, time.Minute), srv, []string{ok, bad, cid})
}
