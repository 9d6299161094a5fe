package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestHTTPTask: HTTP tasks run inside the engine, off the shard goroutines;
// the response flows into the next task, a non-2xx fails the workflow with
// the status in the reason, and workers can't poll the engine's queue.
func TestHTTPTask(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/price":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"price": 12.5, "sku": "` + r.URL.Query().Get("sku") + `"}`))
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(3 * time.Second):
			}
		default:
			http.Error(w, "no such thing", http.StatusNotFound)
		}
	}))
	defer api.Close()
	srv := startServer(t, "")
	u := srv.URL + "/api"
	def := `{"name":"priced","tasks":[
	  {"name":"lookup","taskReferenceName":"lookup","type":"HTTP","inputParameters":{"http_request":{
	    "uri":"` + api.URL + `/${workflow.input.path}?sku=${workflow.input.sku}","method":"GET","readTimeOut":5000}}},
	  {"name":"bill","taskReferenceName":"bill","inputParameters":{"price":"${lookup.output.response.body.price}","code":"${lookup.output.response.statusCode}"}}]}`
	do(t, "POST", u+"/metadata/workflow", def).want(t, 200)

	// A slow endpoint does not hold up other workflows.
	slow := string(do(t, "POST", u+"/workflow/priced", `{"path":"slow","sku":"s"}`).want(t, 200).body)
	ok := string(do(t, "POST", u+"/workflow/priced", `{"path":"price","sku":"a-1"}`).want(t, 200).body)
	var task []map[string]any
	do(t, "GET", u+"/tasks/poll/batch/bill?workerid=w&timeout=2000", nil).want(t, 200).json(t, &task)
	if len(task) != 1 || task[0]["workflowInstanceId"] != ok {
		t.Fatalf("bill task after the HTTP call: %v", task)
	}
	if in := task[0]["inputData"].(map[string]any); in["price"] != 12.5 || in["code"] != 200.0 {
		t.Fatalf("bill input from the HTTP response: %v", in)
	}
	var wf map[string]any
	do(t, "GET", u+"/workflow/"+slow, nil).want(t, 200).json(t, &wf)
	if wf["status"] != "RUNNING" {
		t.Fatalf("slow workflow is %v while its call is in flight", wf["status"])
	}

	bad := string(do(t, "POST", u+"/workflow/priced", `{"path":"missing","sku":"x"}`).want(t, 200).body)
	await(t, 10*time.Second, func() bool {
		do(t, "GET", u+"/workflow/"+bad, nil).want(t, 200).json(t, &wf)
		return wf["status"] != "RUNNING"
	})
	if wf["status"] != "FAILED" || !strings.Contains(wf["reasonForIncompletion"].(string), "404") {
		t.Fatalf("404 call: workflow %v, reason %v", wf["status"], wf["reasonForIncompletion"])
	}
	do(t, "GET", u+"/tasks/poll/batch/HTTP?domain=_system", nil).want(t, 400)
	do(t, "DELETE", u+"/workflow/"+slow, nil).want(t, 200)
	checkReplay(t, testCtx(t, time.Minute), srv, []string{ok, bad, slow})
}
