package frontend

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/persistence"
)

// TestRoutes checks that each Conductor route reaches the right call with
// the right arguments and answers with Conductor's status, content type
// and body.
func TestRoutes(t *testing.T) {
	task := &api.Task{TaskID: "t1", TaskType: "encode", Status: "IN_PROGRESS", Domain: "d1", WorkflowInstanceID: "w1"}
	tests := []struct {
		name     string
		setup    func(b *backend)
		method   string
		path     string
		body     string
		wantCode int
		wantCall string // the last backend call; "" means none
		wantType string // "text", "json" or "" for no body
		wantBody string // exact body, checked when not ""
	}{
		// Workflows.
		{name: "start by name", setup: func(b *backend) { b.workflowID = "wf-1" },
			method: "POST", path: "/api/workflow/order?version=2&correlationId=c1&priority=5", body: `{"a":1,"b":"x"}`,
			wantCode: 200, wantCall: "StartWorkflow name=order version=2 cid=c1 priority=5 input=map[a:1 b:x]", wantType: "text", wantBody: "wf-1"},
		{name: "start by name with empty body", setup: func(b *backend) { b.workflowID = "wf-2" },
			method: "POST", path: "/api/workflow/order",
			wantCode: 200, wantCall: "StartWorkflow name=order version=0 cid= priority=0 input=map[]", wantType: "text", wantBody: "wf-2"},
		{name: "start by name with null body", method: "POST", path: "/api/workflow/order", body: "null",
			wantCode: 200, wantCall: "StartWorkflow name=order version=0 cid= priority=0 input=map[]", wantType: "text"},
		{name: "start by name with array body", method: "POST", path: "/api/workflow/order", body: `[1]`, wantCode: 400},
		{name: "start by name with priority 100", method: "POST", path: "/api/workflow/order?priority=100", body: `{}`, wantCode: 400},
		{name: "start by name with bad version", method: "POST", path: "/api/workflow/order?version=x", body: `{}`, wantCode: 400},
		{name: "start request", setup: func(b *backend) { b.workflowID = "wf-3" },
			method: "POST", path: "/api/workflow", body: `{"name":"order","version":1,"correlationId":"c","input":{"k":"v"},"priority":99}`,
			wantCode: 200, wantCall: "StartWorkflow name=order version=1 cid=c priority=99 input=map[k:v]", wantType: "text", wantBody: "wf-3"},
		{name: "start request with inline def", method: "POST", path: "/api/workflow",
			body:     `{"name":"inline","workflowDef":{"tasks":[{"name":"a","taskReferenceName":"a"}]}}`,
			wantCode: 200, wantCall: "StartWorkflow name=inline version=0 cid= priority=0 input=map[] def=inline/1", wantType: "text"},
		{name: "start request with invalid inline def", method: "POST", path: "/api/workflow",
			body: `{"name":"inline","workflowDef":{"tasks":[{"name":"a"}]}}`, wantCode: 400},
		{name: "start request without name", method: "POST", path: "/api/workflow", body: `{"input":{}}`, wantCode: 400},
		{name: "start request with negative priority", method: "POST", path: "/api/workflow", body: `{"name":"o","priority":-1}`, wantCode: 400},
		{name: "start request without body", method: "POST", path: "/api/workflow", wantCode: 400},
		{name: "get workflow", setup: func(b *backend) { b.workflow = &api.Workflow{WorkflowID: "w1", Status: "RUNNING"} },
			method: "GET", path: "/api/workflow/w1", wantCode: 200, wantCall: "Workflow w1 tasks=true", wantType: "json"},
		{name: "get workflow without tasks", setup: func(b *backend) { b.workflow = &api.Workflow{WorkflowID: "w1"} },
			method: "GET", path: "/api/workflow/w1?includeTasks=false", wantCode: 200, wantCall: "Workflow w1 tasks=false", wantType: "json"},
		{name: "get workflow with escaped id", setup: func(b *backend) { b.workflow = &api.Workflow{WorkflowID: "a/b"} },
			method: "GET", path: "/api/workflow/a%2Fb", wantCode: 200, wantCall: "Workflow a/b tasks=true", wantType: "json"},
		{name: "workflow status", setup: func(b *backend) {
			b.workflow = &api.Workflow{WorkflowID: "w1", Status: "COMPLETED", CorrelationID: "c", Output: map[string]any{"o": 1.0}, Variables: map[string]any{"v": 2.0}}
		}, method: "GET", path: "/api/workflow/w1/status?includeOutput=true", wantCode: 200, wantCall: "Workflow w1 tasks=false",
			wantType: "json", wantBody: `{"workflowId":"w1","correlationId":"c","output":{"o":1},"status":"COMPLETED"}`},
		{name: "running", setup: func(b *backend) { b.ids = []string{"w1", "w2"} },
			method: "GET", path: "/api/workflow/running/order", wantCode: 200, wantCall: "Running order 1", wantType: "json", wantBody: `["w1","w2"]`},
		{name: "running with version", method: "GET", path: "/api/workflow/running/order?version=3",
			wantCode: 200, wantCall: "Running order 3", wantType: "json", wantBody: `[]`},
		{name: "correlated", method: "GET", path: "/api/workflow/order/correlated/c1?includeClosed=true",
			wantCode: 200, wantCall: "Correlated order c1 closed=true tasks=false", wantType: "json", wantBody: `[]`},
		{name: "events", setup: func(b *backend) {
			b.events = []events.Event{
				{ID: 1, Type: events.WorkflowStarted, Time: 10, WorkflowStarted: &events.WorkflowStartedData{WorkflowID: "w1", Name: "n", Version: 1, DefHash: "h"}},
				{ID: 2, Type: events.TaskStarted, Time: 11, Ref: "r", TaskStarted: &events.TaskStartedData{TaskID: "t1"}},
			}
		}, method: "GET", path: "/api/workflow/w1/events", wantCode: 200, wantCall: "Events w1", wantType: "json",
			wantBody: `[{"id":1,"type":"WorkflowStarted","time":10,"data":{"workflowId":"w1","name":"n","version":1,"defHash":"h"}},` +
				`{"id":2,"type":"TaskStarted","time":11,"taskRef":"r","data":{"taskId":"t1"}}]`},
		{name: "events of unknown workflow", method: "GET", path: "/api/workflow/nope/events", wantCode: 404, wantCall: "Events nope"},
		{name: "terminate", method: "DELETE", path: "/api/workflow/w1?reason=enough", wantCode: 200, wantCall: "Terminate w1 reason=enough"},
		{name: "remove", method: "DELETE", path: "/api/workflow/w1/remove?archiveWorkflow=false", wantCode: 200, wantCall: "Remove w1"},

		// Polls.
		{name: "poll empty", method: "GET", path: "/api/tasks/poll/encode?workerid=me&domain=d1",
			wantCode: 204, wantCall: "Poll encode domain=d1 worker=me count=1 timeout=100ms"},
		{name: "poll one", setup: func(b *backend) { b.queue = []*api.Task{task} },
			method: "GET", path: "/api/tasks/poll/encode", wantCode: 200, wantCall: "Poll encode domain= worker= count=1 timeout=100ms", wantType: "json"},
		{name: "batch poll empty", method: "GET", path: "/api/tasks/poll/batch/encode?workerid=me&count=5&timeout=2000",
			wantCode: 200, wantCall: "Poll encode domain= worker=me count=5 timeout=2s", wantType: "json", wantBody: "[]"},
		{name: "batch poll defaults", setup: func(b *backend) { b.queue = []*api.Task{task, task} },
			method: "GET", path: "/api/tasks/poll/batch/encode", wantCode: 200, wantCall: "Poll encode domain= worker= count=1 timeout=100ms", wantType: "json"},
		{name: "batch poll count 0", method: "GET", path: "/api/tasks/poll/batch/encode?count=0", wantCode: 400},
		{name: "batch poll timeout above 5s", method: "GET", path: "/api/tasks/poll/batch/encode?timeout=5001", wantCode: 400},
		{name: "batch poll bad timeout", method: "GET", path: "/api/tasks/poll/batch/encode?timeout=soon", wantCode: 400},

		// Task results.
		{name: "update", method: "POST", path: "/api/tasks",
			body:     `{"workflowInstanceId":"w1","taskId":"t1","status":"COMPLETED","outputData":{"n":2},"workerId":"me"}`,
			wantCode: 200, wantCall: "UpdateTask w1/t1 COMPLETED worker=me output=map[n:2]", wantType: "text", wantBody: "t1"},
		{name: "update without workflow id", method: "POST", path: "/api/tasks", body: `{"taskId":"t1","status":"COMPLETED"}`, wantCode: 400},
		{name: "update without task id", method: "POST", path: "/api/tasks", body: `{"workflowInstanceId":"w1","status":"COMPLETED"}`, wantCode: 400},
		{name: "update with bad status", method: "POST", path: "/api/tasks", body: `{"workflowInstanceId":"w1","taskId":"t1","status":"DONE"}`, wantCode: 400},
		{name: "update with SKIPPED", method: "POST", path: "/api/tasks", body: `{"workflowInstanceId":"w1","taskId":"t1","status":"SKIPPED"}`, wantCode: 400},
		{name: "update unknown task", setup: func(b *backend) { b.err = api.Errorf(api.KindNotFound, "no task t9") },
			method: "POST", path: "/api/tasks", body: `{"workflowInstanceId":"w1","taskId":"t9","status":"COMPLETED"}`, wantCode: 404,
			wantCall: "UpdateTask w1/t9 COMPLETED worker= output=map[]"},
		{name: "update-v2 hands out the next task", setup: func(b *backend) {
			b.task = task
			b.queue = []*api.Task{{TaskID: "t2", TaskType: "encode"}}
		}, method: "POST", path: "/api/tasks/update-v2", body: `{"workflowInstanceId":"w1","taskId":"t1","status":"COMPLETED","workerId":"me"}`,
			wantCode: 200, wantCall: "Poll encode domain=d1 worker=me count=1 timeout=0s", wantType: "json"},
		{name: "update-v2 with empty queue", setup: func(b *backend) { b.task = task },
			method: "POST", path: "/api/tasks/update-v2", body: `{"workflowInstanceId":"w1","taskId":"t1","status":"FAILED"}`,
			wantCode: 204, wantCall: "Poll encode domain=d1 worker= count=1 timeout=0s"},
		{name: "update-v2 in progress", setup: func(b *backend) { b.task = task },
			method: "POST", path: "/api/tasks/update-v2", body: `{"workflowInstanceId":"w1","taskId":"t1","status":"IN_PROGRESS","callbackAfterSeconds":5}`,
			wantCode: 204, wantCall: "UpdateTask w1/t1 IN_PROGRESS worker= output=map[]"},
		{name: "update-v2 unknown task", setup: func(b *backend) { b.err = api.Errorf(api.KindNotFound, "no task") },
			method: "POST", path: "/api/tasks/update-v2", body: `{"workflowInstanceId":"w1","taskId":"t1","status":"COMPLETED"}`, wantCode: 404},
		{name: "update by ref", setup: func(b *backend) { b.refTaskID = "t7" },
			method: "POST", path: "/api/tasks/w1/approve/COMPLETED?workerid=op", body: `{"ok":true}`,
			wantCode: 200, wantCall: "UpdateTaskByRef w1 approve COMPLETED worker=op output=map[ok:true]", wantType: "text", wantBody: "t7"},
		{name: "update by ref without match", method: "POST", path: "/api/tasks/w1/approve/FAILED",
			wantCode: 200, wantCall: "UpdateTaskByRef w1 approve FAILED worker= output=map[]", wantBody: ""},
		{name: "update by ref named log", setup: func(b *backend) { b.refTaskID = "t8" },
			method: "POST", path: "/api/tasks/w1/log/CANCELED", body: `{}`,
			wantCode: 200, wantCall: "UpdateTaskByRef w1 log CANCELED worker= output=map[]", wantType: "text", wantBody: "t8"},
		{name: "update by ref with bad status", method: "POST", path: "/api/tasks/w1/approve/DONE", body: `{}`, wantCode: 400},

		// Tasks and logs.
		{name: "get task", setup: func(b *backend) { b.task = task },
			method: "GET", path: "/api/tasks/t1", wantCode: 200, wantCall: "Task t1", wantType: "json"},
		{name: "get unknown task", setup: func(b *backend) { b.err = fmt.Errorf("task t9: %w", persistence.ErrNotFound) },
			method: "GET", path: "/api/tasks/t9", wantCode: 404, wantCall: "Task t9"},
		{name: "get missing task", method: "GET", path: "/api/tasks/t9", wantCode: 404, wantCall: "Task t9"},
		{name: "add log", method: "POST", path: "/api/tasks/t1/log", body: `step 1 done`, wantCode: 200, wantCall: `AddTaskLog t1 "step 1 done"`},
		{name: "add empty log", method: "POST", path: "/api/tasks/t1/log", wantCode: 400},
		{name: "no logs", method: "GET", path: "/api/tasks/t1/log", wantCode: 204, wantCall: "TaskLogs t1"},
		{name: "logs", setup: func(b *backend) { b.logs = []api.TaskExecLog{{Log: "l", TaskID: "t1", CreatedTime: 5}} },
			method: "GET", path: "/api/tasks/t1/log", wantCode: 200, wantCall: "TaskLogs t1", wantType: "json",
			wantBody: `[{"log":"l","taskId":"t1","createdTime":5}]`},

		// Queues.
		{name: "queue sizes", setup: func(b *backend) { b.sizes = map[string]int{"a": 3, "c": 1} },
			method: "GET", path: "/api/tasks/queue/sizes?taskType=a&taskType=b,c", wantCode: 200, wantCall: "QueueSize c domain=",
			wantType: "json", wantBody: `{"a":3,"b":0,"c":1}`},
		{name: "poll data", method: "GET", path: "/api/tasks/queue/polldata?taskType=a",
			wantCode: 200, wantCall: "PollData a", wantType: "json", wantBody: "[]"},
		{name: "poll data without type", method: "GET", path: "/api/tasks/queue/polldata", wantCode: 400},

		// Errors from history.
		{name: "conflict", setup: func(b *backend) { b.err = api.Errorf(api.KindConflict, "workflow w1 is COMPLETED") },
			method: "DELETE", path: "/api/workflow/w1", wantCode: 409, wantCall: "Terminate w1 reason="},
		{name: "unavailable", setup: func(b *backend) { b.err = api.Errorf(api.KindUnavailable, "shutting down") },
			method: "GET", path: "/api/workflow/w1", wantCode: 503},
		{name: "internal", setup: func(b *backend) { b.err = fmt.Errorf("disk on fire") },
			method: "GET", path: "/api/workflow/w1", wantCode: 500},
		{name: "panic", setup: func(b *backend) { b.panicMsg = "bug" },
			method: "GET", path: "/api/workflow/w1", wantCode: 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &backend{}
			if tt.setup != nil {
				tt.setup(b)
			}
			h := newServer(t, Options{History: b, Matching: b}).Handler()
			r := do(t, h, tt.method, tt.path, tt.body)
			if r.Code != tt.wantCode {
				t.Fatalf("status %d, want %d; body %s; calls %q", r.Code, tt.wantCode, r.Body, b.calls)
			}
			if tt.wantCall != "" && b.last() != tt.wantCall {
				t.Errorf("last call %q, want %q", b.last(), tt.wantCall)
			}
			if r.Code >= 400 {
				r.wantError(t, r.Code)
				return
			}
			switch tt.wantType {
			case "text":
				if r.Type != "text/plain" {
					t.Errorf("Content-Type %q, want text/plain", r.Type)
				}
			case "json":
				var v any
				r.json(t, &v)
			case "":
				if r.Body != "" {
					t.Errorf("body %q, want none", r.Body)
				}
			}
			if tt.wantBody != "" && r.Body != tt.wantBody {
				t.Errorf("body\n got %s\nwant %s", r.Body, tt.wantBody)
			}
		})
	}
}

// TestPollTaskJSON checks the fields the SDKs read from a polled task.
func TestPollTaskJSON(t *testing.T) {
	b := &backend{queue: []*api.Task{{TaskID: "t1", TaskType: "encode", TaskDefName: "encode", ReferenceTaskName: "e",
		WorkflowInstanceID: "w1", Status: "IN_PROGRESS", InputData: map[string]any{"url": "http://x?a=1&b=<2>"}, PollCount: 1}}}
	h := newServer(t, Options{History: b, Matching: b}).Handler()
	r := do(t, h, "GET", "/api/tasks/poll/batch/encode", "").want(t, 200)
	for _, want := range []string{`"taskId":"t1"`, `"workflowInstanceId":"w1"`, `"taskType":"encode"`, `"referenceTaskName":"e"`,
		`"pollCount":1`, `"status":"IN_PROGRESS"`, `"url":"http://x?a=1&b=<2>"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("task JSON lacks %s: %s", want, r.Body)
		}
	}
	if !strings.HasPrefix(r.Body, "[") {
		t.Errorf("batch poll must answer an array: %s", r.Body)
	}
}

// TestStartRejectsBadInlineDefWithDetail checks that validation problems
// in an inline definition reach the client.
func TestStartRejectsBadInlineDefWithDetail(t *testing.T) {
	b := &backend{}
	h := newServer(t, Options{History: b, Matching: b}).Handler()
	e := do(t, h, "POST", "/api/workflow", `{"name":"x","workflowDef":{"tasks":[{"name":"a","taskReferenceName":"a","type":"FORK_JOIN"}]}}`).
		wantError(t, http.StatusBadRequest, "FORK_JOIN task must be followed by a JOIN")
	if len(e.ValidationErrors) != 1 {
		t.Errorf("validationErrors: %+v", e.ValidationErrors)
	}
	if len(b.calls) != 0 {
		t.Errorf("an invalid start must not reach history: %q", b.calls)
	}
}
