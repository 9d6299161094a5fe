package e2e

import (
	"strings"
	"testing"
	"time"
)

func TestConductorAPI(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	var ids []string

	// Metadata.
	do(t, "POST", u+"/metadata/taskdefs", orderTaskDefsJSON).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", orderDefJSON).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", orderDefJSON).want(t, 409).errorBody(t, "order_fulfillment")
	do(t, "POST", u+"/metadata/workflow", `{"name": "broken"`).want(t, 400).errorBody(t, "JSON")
	do(t, "POST", u+"/metadata/workflow", `{"name":"dup","tasks":[{"name":"a","taskReferenceName":"x"},{"name":"b","taskReferenceName":"x"}]}`).
		want(t, 400).errorBody(t, "x")
	do(t, "POST", u+"/metadata/workflow", `{"name":"badtype","tasks":[{"name":"a","taskReferenceName":"x","type":"NOT_A_TYPE"}]}`).
		want(t, 400).errorBody(t, "NOT_A_TYPE")
	do(t, "POST", u+"/metadata/workflow", `{"tasks":[{"name":"a","taskReferenceName":"x"}]}`).want(t, 400).errorBody(t, "name")
	do(t, "POST", u+"/metadata/workflow", `{"name":"badexpr","tasks":[{"name":"a","taskReferenceName":"x","inputParameters":{"p":"${workflow.input.a["}}]}`).
		want(t, 400)
	do(t, "GET", u+"/metadata/workflow/broken", nil).want(t, 404)
	var def map[string]any
	do(t, "GET", u+"/metadata/workflow/order_fulfillment", nil).want(t, 200).json(t, &def)
	if def["name"] != "order_fulfillment" || def["version"] != 1.0 {
		t.Fatalf("definition read back: %v", def)
	}
	var td map[string]any
	do(t, "GET", u+"/metadata/taskdefs/charge_payment", nil).want(t, 200).json(t, &td)
	if td["retryCount"] != 5.0 || td["timeoutPolicy"] != "TIME_OUT_WF" {
		t.Fatalf("task definition read back without defaults: %v", td)
	}

	// Start: text/plain id; unknown workflow 404; bad JSON 400.
	st := do(t, "POST", u+"/workflow/order_fulfillment?correlationId=c-1", `{"orderId":"o-1","customerId":"c7","items":[{"sku":"sku-1"}]}`).want(t, 200)
	if !strings.HasPrefix(st.ctype, "text/plain") || len(st.body) != 36 {
		t.Fatalf("start answered %q (%s), want a text/plain workflow id", st.body, st.ctype)
	}
	wfID := string(st.body)
	ids = append(ids, wfID)
	do(t, "POST", u+"/workflow/no_such_workflow", `{}`).want(t, 404).errorBody(t, "no_such_workflow")
	do(t, "POST", u+"/workflow/order_fulfillment", `{not json`).want(t, 400)
	do(t, "POST", u+"/workflow", `{"input":{}}`).want(t, 400)

	// Poll: single poll returns the task, then 204; batch poll [] when empty.
	var task map[string]any
	do(t, "GET", u+"/tasks/poll/validate_order?workerid=w1", nil).want(t, 200).json(t, &task)
	if task["workflowInstanceId"] != wfID || task["status"] != "IN_PROGRESS" || task["referenceTaskName"] != "validate" {
		t.Fatalf("polled task: %v", task)
	}
	if in := task["inputData"].(map[string]any); in["orderId"] != "o-1" {
		t.Fatalf("validate input: %v", in)
	}
	do(t, "GET", u+"/tasks/poll/validate_order?workerid=w1", nil).want(t, 204)
	empty := do(t, "GET", u+"/tasks/poll/batch/validate_order?workerid=w1&count=5&timeout=50", nil).want(t, 200)
	if strings.TrimSpace(string(empty.body)) != "[]" {
		t.Fatalf("empty batch poll: %q", empty.body)
	}
	do(t, "GET", u+"/tasks/poll/batch/validate_order?timeout=6000", nil).want(t, 400)
	taskID := task["taskId"].(string)

	// Task reads, logs, bad updates.
	do(t, "GET", u+"/tasks/"+taskID, nil).want(t, 200)
	do(t, "GET", u+"/tasks/no-such-task", nil).want(t, 404)
	do(t, "GET", u+"/tasks/"+taskID+"/log", nil).want(t, 204)
	do(t, "POST", u+"/tasks/"+taskID+"/log", "checking stock").want(t, 200)
	var logs []map[string]any
	do(t, "GET", u+"/tasks/"+taskID+"/log", nil).want(t, 200).json(t, &logs)
	if len(logs) != 1 || logs[0]["log"] != "checking stock" {
		t.Fatalf("task logs: %v", logs)
	}
	do(t, "POST", u+"/tasks", `{"status":"COMPLETED"}`).want(t, 400)
	do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": wfID, "taskId": "nope", "status": "COMPLETED"}).want(t, 404)
	do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": wfID, "taskId": taskID, "status": "DONE"}).want(t, 400)

	// IN_PROGRESS with a callback: the task comes back after the delay.
	do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": wfID, "taskId": taskID, "status": "IN_PROGRESS",
		"callbackAfterSeconds": 1, "outputData": map[string]any{"pct": 50}}).want(t, 200)
	do(t, "GET", u+"/tasks/poll/validate_order?workerid=w1", nil).want(t, 204)
	var again []map[string]any
	deadline := time.Now().Add(5 * time.Second)
	for len(again) == 0 && time.Now().Before(deadline) {
		do(t, "GET", u+"/tasks/poll/batch/validate_order?workerid=w2&timeout=1000", nil).want(t, 200).json(t, &again)
	}
	if len(again) != 1 || again[0]["taskId"] != taskID || again[0]["pollCount"] != 2.0 {
		t.Fatalf("re-delivery after callback: %v", again)
	}

	// Complete with TaskResult; the ack is the task id as text.
	ack := do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": wfID, "taskId": taskID, "status": "COMPLETED",
		"outputData": map[string]any{"totalAmount": 42.5}, "logs": []map[string]any{{"log": "done"}}}).want(t, 200)
	if string(ack.body) != taskID {
		t.Fatalf("update answered %q", ack.body)
	}
	// A duplicate update of a finished task is harmless.
	do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": wfID, "taskId": taskID, "status": "FAILED"}).want(t, 200)

	// update-v2 completes charge and hands back the next task of its type.
	do(t, "POST", u+"/workflow/order_fulfillment", `{"orderId":"o-2","customerId":"c8","items":[{"sku":"sku-1"}]}`).want(t, 200)
	var second string
	{
		var tk map[string]any
		do(t, "GET", u+"/tasks/poll/validate_order?workerid=w1", nil).want(t, 200).json(t, &tk)
		second = tk["workflowInstanceId"].(string)
		ids = append(ids, second)
		do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": second, "taskId": tk["taskId"], "status": "COMPLETED",
			"outputData": map[string]any{"totalAmount": 10}}).want(t, 200)
	}
	var charge map[string]any
	do(t, "GET", u+"/tasks/poll/charge_payment?workerid=w1", nil).want(t, 200).json(t, &charge)
	var next map[string]any
	do(t, "POST", u+"/tasks/update-v2", map[string]any{"workflowInstanceId": charge["workflowInstanceId"], "taskId": charge["taskId"],
		"status": "COMPLETED", "workerId": "w1", "outputData": map[string]any{"paymentId": "p-1"}}).want(t, 200).json(t, &next)
	if next["taskType"] != "charge_payment" || next["status"] != "IN_PROGRESS" {
		t.Fatalf("update-v2 next task: %v", next)
	}
	do(t, "POST", u+"/tasks/update-v2", map[string]any{"workflowInstanceId": next["workflowInstanceId"], "taskId": next["taskId"],
		"status": "COMPLETED", "workerId": "w1", "outputData": map[string]any{"paymentId": "p-2"}}).want(t, 204)

	// Complete ship by reference name; the workflow completes with output.
	for _, id := range []string{wfID, second} {
		r := do(t, "POST", u+"/tasks/"+id+"/ship/COMPLETED?workerid=w9", `{"trackingNumber":"T-9"}`).want(t, 200)
		if len(r.body) != 36 {
			t.Fatalf("update by ref answered %q", r.body)
		}
	}
	do(t, "POST", u+"/tasks/"+wfID+"/ship/COMPLETED", `{}`).want(t, 200) // none open: 200 empty
	var wf map[string]any
	do(t, "GET", u+"/workflow/"+wfID, nil).want(t, 200).json(t, &wf)
	if wf["status"] != "COMPLETED" {
		t.Fatalf("workflow: %v", wf["status"])
	}
	out := wf["output"].(map[string]any)
	if out["paymentId"] != "p-1" && out["paymentId"] != "p-2" || out["trackingNumber"] != "T-9" || out["firstItem"] != "sku-1" {
		t.Fatalf("workflow output: %v", out)
	}
	var status map[string]any
	do(t, "GET", u+"/workflow/"+wfID+"/status?includeOutput=true", nil).want(t, 200).json(t, &status)
	if status["status"] != "COMPLETED" || status["output"] == nil {
		t.Fatalf("status: %v", status)
	}

	// Correlation and running lists.
	var corr []map[string]any
	do(t, "GET", u+"/workflow/order_fulfillment/correlated/c-1?includeClosed=true", nil).want(t, 200).json(t, &corr)
	if len(corr) != 1 || corr[0]["workflowId"] != wfID {
		t.Fatalf("correlated: %v", corr)
	}
	do(t, "GET", u+"/workflow/order_fulfillment/correlated/c-1", nil).want(t, 200).json(t, &corr)
	if len(corr) != 0 {
		t.Fatalf("correlated without closed: %v", corr)
	}
	// Many correlation ids at once (the Go SDK's GetByCorrelationIds).
	var byID map[string][]map[string]any
	do(t, "POST", u+"/workflow/order_fulfillment/correlated?includeClosed=true", `["c-1","nobody"]`).want(t, 200).json(t, &byID)
	if len(byID) != 2 || len(byID["c-1"]) != 1 || byID["c-1"][0]["workflowId"] != wfID || len(byID["nobody"]) != 0 {
		t.Fatalf("correlated batch: %v", byID)
	}
	do(t, "POST", u+"/workflow/order_fulfillment/correlated", `{"not":"a list"}`).want(t, 400)
	run := string(do(t, "POST", u+"/workflow/order_fulfillment", `{"orderId":"o-3"}`).want(t, 200).body)
	ids = append(ids, run)
	var running []string
	do(t, "GET", u+"/workflow/running/order_fulfillment", nil).want(t, 200).json(t, &running)
	if len(running) != 1 || running[0] != run {
		t.Fatalf("running: %v", running)
	}
	var sizes map[string]int
	do(t, "GET", u+"/tasks/queue/sizes?taskType=validate_order&taskType=ship_order", nil).want(t, 200).json(t, &sizes)
	if sizes["validate_order"] != 1 || sizes["ship_order"] != 0 {
		t.Fatalf("queue sizes: %v", sizes)
	}

	// Terminate, then the wrong-state cases.
	do(t, "DELETE", u+"/workflow/"+run+"?reason=no+longer+needed", nil).want(t, 200)
	do(t, "GET", u+"/workflow/"+run, nil).want(t, 200).json(t, &wf)
	if wf["status"] != "TERMINATED" || wf["reasonForIncompletion"] != "no longer needed" {
		t.Fatalf("terminated workflow: %v %v", wf["status"], wf["reasonForIncompletion"])
	}
	do(t, "DELETE", u+"/workflow/"+wfID, nil).want(t, 409)
	do(t, "DELETE", u+"/workflow/no-such-id", nil).want(t, 404)

	// Events: the immutable history.
	var evs []map[string]any
	do(t, "GET", u+"/workflow/"+wfID+"/events", nil).want(t, 200).json(t, &evs)
	if len(evs) < 8 || evs[0]["type"] != "WorkflowStarted" || evs[len(evs)-1]["type"] != "WorkflowEnded" {
		t.Fatalf("events: %v", evs)
	}
	checkReplay(t, testCtx(t, time.Minute), srv, ids)

	// Remove deletes everything.
	do(t, "DELETE", u+"/workflow/"+run+"/remove", nil).want(t, 200)
	do(t, "GET", u+"/workflow/"+run, nil).want(t, 404).errorBody(t, run)
	do(t, "GET", u+"/workflow/"+run+"/events", nil).want(t, 404)

	// Oversized bodies are refused with 413 and change nothing.
	big := `{"orderId":"` + strings.Repeat("x", 5<<20) + `"}`
	do(t, "POST", u+"/workflow/order_fulfillment", big).want(t, 413)
}

// TestDefinitionVersions: a running workflow keeps the definition it started
// with; starts without a version take the latest; inline definitions run
// without registration.
func TestDefinitionVersions(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	v1 := `{"name":"versioned","version":1,"tasks":[{"name":"step_a","taskReferenceName":"a"}],"outputParameters":{"v":"one","a":"${a.output.x}"}}`
	v2 := `{"name":"versioned","version":2,"tasks":[{"name":"step_b","taskReferenceName":"b"}],"outputParameters":{"v":"two"}}`
	do(t, "POST", u+"/metadata/workflow", v1).want(t, 200)
	old := string(do(t, "POST", u+"/workflow/versioned", `{}`).want(t, 200).body)
	// Replacing version 1 and adding version 2 must not touch the running one.
	do(t, "PUT", u+"/metadata/workflow", `[`+strings.Replace(v1, `"v":"one"`, `"v":"changed"`, 1)+`,`+v2+`]`).want(t, 200)
	latest := string(do(t, "POST", u+"/workflow/versioned", `{}`).want(t, 200).body)
	pinned := string(do(t, "POST", u+"/workflow/versioned?version=1", `{}`).want(t, 200).body)
	do(t, "POST", u+"/workflow/versioned?version=7", `{}`).want(t, 404)

	do(t, "POST", u+"/tasks/"+old+"/a/COMPLETED", `{"x":1}`).want(t, 200)
	do(t, "POST", u+"/tasks/"+latest+"/b/COMPLETED", `{}`).want(t, 200)
	do(t, "POST", u+"/tasks/"+pinned+"/a/COMPLETED", `{"x":2}`).want(t, 200)
	for id, want := range map[string]string{old: "one", latest: "two", pinned: "changed"} {
		var wf map[string]any
		do(t, "GET", u+"/workflow/"+id, nil).want(t, 200).json(t, &wf)
		if wf["status"] != "COMPLETED" || wf["output"].(map[string]any)["v"] != want {
			t.Errorf("workflow %s: status %v output %v, want v=%s", id, wf["status"], wf["output"], want)
		}
	}

	// StartWorkflowRequest with an inline definition and a correlation id.
	req := `{"name":"adhoc","correlationId":"inline-1","input":{"n":3},"workflowDef":{"name":"adhoc","version":1,"tasks":[
		{"name":"step_c","taskReferenceName":"c","inputParameters":{"n":"${workflow.input.n}","id":"${workflow.workflowId}"}}]}}`
	inline := string(do(t, "POST", u+"/workflow", req).want(t, 200).body)
	var task map[string]any
	do(t, "GET", u+"/tasks/poll/step_c?workerid=w", nil).want(t, 200).json(t, &task)
	in := task["inputData"].(map[string]any)
	if in["n"] != 3.0 || in["id"] != inline {
		t.Fatalf("inline definition task input: %v", in)
	}
	do(t, "POST", u+"/workflow", `{"name":"adhoc","workflowDef":{"name":"adhoc","tasks":[]}}`).want(t, 400)
	do(t, "POST", u+"/workflow", `{"name":"order","priority":100}`).want(t, 400)
	checkReplay(t, testCtx(t, time.Minute), srv, []string{old, latest, pinned, inline})
}

// TestFailedTaskFailsWorkflow: with no retries left, FAILED fails the
// workflow with a reason naming the task; FAILED_WITH_TERMINAL_ERROR never
// retries.
func TestFailedTaskFailsWorkflow(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/taskdefs", `[{"name":"fragile","retryCount":1,"retryDelaySeconds":0},{"name":"final","retryCount":3}]`).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", `{"name":"fails","tasks":[{"name":"fragile","taskReferenceName":"f"},{"name":"final","taskReferenceName":"g"}]}`).want(t, 200)

	id := string(do(t, "POST", u+"/workflow/fails", `{}`).want(t, 200).body)
	for attempt := 0; attempt < 2; attempt++ {
		var tk map[string]any
		do(t, "GET", u+"/tasks/poll/batch/fragile?workerid=w&timeout=2000", nil).want(t, 200).json(t, &[]any{&tk})
		if tk["retryCount"] != float64(attempt) {
			t.Fatalf("attempt %d has retryCount %v", attempt, tk["retryCount"])
		}
		do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": id, "taskId": tk["taskId"], "status": "FAILED",
			"reasonForIncompletion": "card declined"}).want(t, 200)
	}
	var wf map[string]any
	do(t, "GET", u+"/workflow/"+id, nil).want(t, 200).json(t, &wf)
	if wf["status"] != "FAILED" || !strings.Contains(wf["reasonForIncompletion"].(string), "card declined") {
		t.Fatalf("workflow after exhausted retries: %v %v", wf["status"], wf["reasonForIncompletion"])
	}
	if refs := wf["failedReferenceTaskNames"].([]any); len(refs) != 1 || refs[0] != "f" {
		t.Fatalf("failedReferenceTaskNames: %v", refs)
	}

	id2 := string(do(t, "POST", u+"/workflow/fails", `{}`).want(t, 200).body)
	do(t, "POST", u+"/tasks/"+id2+"/f/COMPLETED", `{}`).want(t, 200)
	do(t, "POST", u+"/tasks/"+id2+"/g/FAILED_WITH_TERMINAL_ERROR", `{}`).want(t, 200)
	do(t, "GET", u+"/workflow/"+id2, nil).want(t, 200).json(t, &wf)
	if wf["status"] != "FAILED" || len(wf["tasks"].([]any)) != 2 {
		t.Fatalf("terminal error: status %v, %d tasks", wf["status"], len(wf["tasks"].([]any)))
	}
	checkReplay(t, testCtx(t, time.Minute), srv, []string{id, id2})
}

// TestBadControlFlowDefinitions: definitions the engine could not run are
// refused at registration with a 400 naming the task and the problem.
func TestBadControlFlowDefinitions(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	for task, problem := range map[string]string{
		`{"name":"sw","taskReferenceName":"sw","type":"SWITCH","evaluatorType":"value-param","expression":"x"}`:          "decisionCases",
		`{"name":"f","taskReferenceName":"f","type":"FORK_JOIN","forkTasks":[[{"name":"a","taskReferenceName":"a"}]]}`:   "JOIN",
		`{"name":"loop","taskReferenceName":"loop","type":"DO_WHILE","loopOver":[{"name":"a","taskReferenceName":"a"}]}`: "loopCondition",
		`{"name":"sub","taskReferenceName":"sub","type":"SUB_WORKFLOW"}`:                                                 "subWorkflowParam",
		`{"name":"call","taskReferenceName":"call","type":"HTTP","inputParameters":{"http_request":{"method":"GET"}}}`:   "uri",
	} {
		r := do(t, "POST", u+"/metadata/workflow", `{"name":"bad","tasks":[`+task+`]}`).want(t, 400)
		r.errorBody(t, problem)
	}
	do(t, "GET", u+"/metadata/workflow/bad", nil).want(t, 404)
}
