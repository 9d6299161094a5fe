package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/workflow"
)

// newTestClient serves h and returns a client for it with fast retries.
func newTestClient(t *testing.T, h http.Handler) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	c := New(srv.URL, WithRetryBackoff(time.Millisecond, 2*time.Millisecond))
	t.Cleanup(func() {
		srv.Close()
		c.CloseIdleConnections()
	})
	return c
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func TestErrorBodyParsed(t *testing.T) {
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]any{
			"status": 404, "message": "No such workflow found by id: w1", "instance": "h", "retryable": false,
		})
	}))
	_, err := c.Workflow(context.Background(), "w1", true)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v (%T), want *Error", err, err)
	}
	if e.Status != 404 || e.Message != "No such workflow found by id: w1" {
		t.Fatalf("got %+v", e)
	}
	if !IsNotFound(err) || IsConflict(err) || Temporary(err) {
		t.Fatalf("classification wrong for %v", err)
	}
}

func TestErrorBodyNotJSON(t *testing.T) {
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "bad gateway", http.StatusBadGateway)
	}))
	err := c.Terminate(context.Background(), "w1", "x")
	if StatusOf(err) != 502 || !strings.Contains(err.Error(), "bad gateway") || !Temporary(err) {
		t.Fatalf("err = %v", err)
	}
}

func TestStartWorkflowRequest(t *testing.T) {
	var gotPath, gotQuery string
	var gotBody map[string]any
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotQuery = r.Method+" "+r.URL.Path, r.URL.RawQuery
		_ = json.NewDecoder(r.Body).Decode(&gotBody)
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "wf-123")
	}))
	id, err := c.StartWorkflow(context.Background(), "order fulfillment", 2, "c-1", map[string]any{"orderId": "o1"})
	if err != nil || id != "wf-123" {
		t.Fatalf("id=%q err=%v", id, err)
	}
	if gotPath != "POST /api/workflow/order fulfillment" || gotQuery != "correlationId=c-1&version=2" {
		t.Fatalf("path %q query %q", gotPath, gotQuery)
	}
	if gotBody["orderId"] != "o1" {
		t.Fatalf("body %v", gotBody)
	}
}

func TestStartAcceptsJSONStringID(t *testing.T) {
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, "wf-9")
	}))
	id, err := c.Start(context.Background(), &api.StartWorkflowRequest{Name: "x"})
	if err != nil || id != "wf-9" {
		t.Fatalf("id=%q err=%v", id, err)
	}
}

func TestStartNotRetried(t *testing.T) {
	var calls atomic.Int32
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 503, map[string]any{"status": 503, "message": "shutting down"})
	}))
	_, err := c.StartWorkflow(context.Background(), "x", 0, "", nil)
	if StatusOf(err) != 503 || calls.Load() != 1 {
		t.Fatalf("err=%v calls=%d", err, calls.Load())
	}
}

func TestBatchPollQuery(t *testing.T) {
	var q string
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/tasks/poll/batch/ship_order" {
			t.Errorf("path %q", r.URL.Path)
		}
		q = r.URL.RawQuery
		writeJSON(w, 200, []*api.Task{{TaskID: "t1", TaskType: "ship_order"}})
	}))
	tasks, err := c.BatchPoll(context.Background(), "ship_order", "w1", "eu", 8, 1500*time.Millisecond)
	if err != nil || len(tasks) != 1 || tasks[0].TaskID != "t1" {
		t.Fatalf("tasks=%v err=%v", tasks, err)
	}
	if q != "count=8&domain=eu&timeout=1500&workerid=w1" {
		t.Fatalf("query %q", q)
	}
}

func TestUpdateTaskV2NoContent(t *testing.T) {
	var got api.TaskResult
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/tasks/update-v2" {
			t.Errorf("path %q", r.URL.Path)
		}
		_ = json.NewDecoder(r.Body).Decode(&got)
		w.WriteHeader(http.StatusNoContent)
	}))
	next, err := c.UpdateTaskV2(context.Background(), &api.TaskResult{TaskID: "t1", WorkflowInstanceID: "w1", Status: api.TaskCompleted})
	if err != nil || next != nil {
		t.Fatalf("next=%v err=%v", next, err)
	}
	if got.TaskID != "t1" || got.WorkflowInstanceID != "w1" || got.Status != api.TaskCompleted {
		t.Fatalf("server got %+v", got)
	}
}

func TestUpdateTaskV2NextTask(t *testing.T) {
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, api.Task{TaskID: "t2", TaskType: "a", WorkflowInstanceID: "w2"})
	}))
	next, err := c.UpdateTaskV2(context.Background(), &api.TaskResult{TaskID: "t1", WorkflowInstanceID: "w1"})
	if err != nil || next == nil || next.TaskID != "t2" {
		t.Fatalf("next=%v err=%v", next, err)
	}
}

func TestUpdateTaskRetriesUntilSuccess(t *testing.T) {
	var calls atomic.Int32
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch calls.Add(1) {
		case 1:
			// Drop the connection without an answer, as a killed server does.
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		case 2, 3:
			writeJSON(w, 503, map[string]any{"status": 503, "message": "restarting"})
		default:
			io.WriteString(w, "t1")
		}
	}))
	err := c.UpdateTask(context.Background(), &api.TaskResult{TaskID: "t1", WorkflowInstanceID: "w1", Status: api.TaskCompleted})
	if err != nil || calls.Load() != 4 {
		t.Fatalf("err=%v calls=%d", err, calls.Load())
	}
}

func TestUpdateTaskGivesUpWhenCtxDone(t *testing.T) {
	var calls atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 3 {
			cancel()
		}
		writeJSON(w, 500, map[string]any{"status": 500, "message": "boom"})
	}))
	_, err := c.UpdateTaskV2(ctx, &api.TaskResult{TaskID: "t1", WorkflowInstanceID: "w1"})
	// The third attempt ends either with its 500 or with the cancellation,
	// whichever the client sees first; either way there is no fourth.
	if err == nil || calls.Load() != 3 {
		t.Fatalf("err=%v calls=%d", err, calls.Load())
	}
}

func TestUpdateTaskNoRetryOnClientError(t *testing.T) {
	var calls atomic.Int32
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeJSON(w, 404, map[string]any{"status": 404, "message": "no task"})
	}))
	err := c.UpdateTask(context.Background(), &api.TaskResult{TaskID: "t1", WorkflowInstanceID: "w1"})
	if !IsNotFound(err) || calls.Load() != 1 {
		t.Fatalf("err=%v calls=%d", err, calls.Load())
	}
}

func TestRegisterDefs(t *testing.T) {
	var paths []string
	c := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.Method+" "+r.URL.RequestURI())
		if r.URL.Path == "/api/metadata/taskdefs" {
			var defs []*workflow.TaskDef
			if err := json.NewDecoder(r.Body).Decode(&defs); err != nil || len(defs) != 1 || defs[0].Name != "a" {
				t.Errorf("taskdefs body: %v %v", defs, err)
			}
		}
	}))
	ctx := context.Background()
	if err := c.RegisterTaskDefs(ctx, []*workflow.TaskDef{{Name: "a"}}); err != nil {
		t.Fatal(err)
	}
	if err := c.RegisterWorkflowDef(ctx, &workflow.WorkflowDef{Name: "wf", Version: 1}, true); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprint([]string{"POST /api/metadata/taskdefs", "POST /api/metadata/workflow?overwrite=true"})
	if fmt.Sprint(paths) != want {
		t.Fatalf("paths %v, want %v", paths, want)
	}
}

func TestNewStripsAPISuffix(t *testing.T) {
	for _, base := range []string{"http://h:1", "http://h:1/", "http://h:1/api", "http://h:1/api/"} {
		if got := New(base).api; got != "http://h:1/api" {
			t.Errorf("New(%q).api = %q", base, got)
		}
	}
}
