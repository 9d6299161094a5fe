package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestTimeouts: timeoutSeconds, pollTimeoutSeconds and the workflow's
// timeoutSeconds end tasks and workflows by their policies, through the
// history's durable timers.
func TestTimeouts(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/taskdefs", `[
 {"name":"to_slow","retryCount":0,"timeoutSeconds":2,"responseTimeoutSeconds":2,"timeoutPolicy":"TIME_OUT_WF"},
 {"name":"to_lonely","retryCount":1,"retryDelaySeconds":0,"pollTimeoutSeconds":1,"timeoutPolicy":"RETRY"},
 {"name":"to_alert","retryCount":0,"timeoutSeconds":1,"pollTimeoutSeconds":1,"responseTimeoutSeconds":1,"timeoutPolicy":"ALERT_ONLY"},
 {"name":"to_idle","retryCount":0}]`).want(t, 200)
	do(t, "PUT", u+"/metadata/workflow", `[
 {"name":"to_slow_wf","version":1,"tasks":[{"name":"to_slow","taskReferenceName":"slow"}]},
 {"name":"to_lonely_wf","version":1,"tasks":[{"name":"to_lonely","taskReferenceName":"lonely"}]},
 {"name":"to_alert_wf","version":1,"tasks":[{"name":"to_alert","taskReferenceName":"alert"}]},
 {"name":"to_wf","version":1,"timeoutSeconds":1,"timeoutPolicy":"TIME_OUT_WF","tasks":[{"name":"to_idle","taskReferenceName":"idle"}]}]`).want(t, 200)
	var ids []string
	start := func(name string) string {
		id := string(do(t, "POST", u+"/workflow/"+name, `{}`).want(t, 200).body)
		ids = append(ids, id)
		return id
	}

	t.Run("timeoutSeconds TIME_OUT_WF", func(t *testing.T) {
		id := start("to_slow_wf")
		tasks := pollBatch(t, u, "to_slow", 2000)
		if len(tasks) != 1 {
			t.Fatalf("polled %d tasks", len(tasks))
		}
		// The worker keeps the task alive, so only timeoutSeconds can end it.
		for i := 0; i < 10 && !ended(readWorkflow(t, u, id)); i++ {
			do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": id, "taskId": tasks[0].TaskID,
				"status": "IN_PROGRESS", "callbackAfterSeconds": 0}).want(t, 200)
			if again := pollBatch(t, u, "to_slow", 300); len(again) == 1 {
				tasks = again
			}
		}
		wf := awaitWorkflow(t, u, id, "ended", ended)
		if wf.Status != "TIMED_OUT" || !strings.HasPrefix(wf.ReasonForIncompletion, "Task timed out after 2 seconds. Timeout configured as 2 seconds. Timeout policy configured to TIME_OUT_WF") {
			t.Errorf("workflow %s %q", wf.Status, wf.ReasonForIncompletion)
		}
		if r := wf.row("slow"); r.Status != "TIMED_OUT" || len(wf.Tasks) != 1 {
			t.Errorf("tasks %+v", wf.Tasks)
		}
	})

	t.Run("pollTimeoutSeconds RETRY", func(t *testing.T) {
		id := start("to_lonely_wf")
		wf := awaitWorkflow(t, u, id, "retried", func(wf view) bool { return len(wf.Tasks) == 2 })
		first, second := wf.Tasks[0], wf.Tasks[1]
		if first.Status != "TIMED_OUT" || second.Status != "SCHEDULED" {
			t.Fatalf("tasks %+v", wf.Tasks)
		}
		// The timed-out attempt was withdrawn: a poller gets the retry.
		tasks := pollBatch(t, u, "to_lonely", 2000)
		if len(tasks) != 1 || tasks[0].TaskID != second.TaskID {
			t.Fatalf("polled %+v, want the retry %s", tasks, second.TaskID)
		}
		do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": id, "taskId": second.TaskID, "status": "COMPLETED"}).want(t, 200)
		if wf := awaitWorkflow(t, u, id, "ended", ended); wf.Status != "COMPLETED" {
			t.Errorf("workflow %s %q", wf.Status, wf.ReasonForIncompletion)
		}
	})

	t.Run("ALERT_ONLY", func(t *testing.T) {
		id := start("to_alert_wf")
		// The sleep is the point: past both limits, nothing may happen.
		time.Sleep(2500 * time.Millisecond)
		wf := readWorkflow(t, u, id)
		if wf.Status != "RUNNING" || len(wf.Tasks) != 1 || wf.Tasks[0].Status != "SCHEDULED" {
			t.Fatalf("workflow %s %+v", wf.Status, wf.Tasks)
		}
		do(t, "DELETE", u+"/workflow/"+id, nil).want(t, 200)
	})

	t.Run("workflow timeoutSeconds", func(t *testing.T) {
		id := start("to_wf")
		wf := awaitWorkflow(t, u, id, "ended", ended)
		if wf.Status != "TIMED_OUT" || !strings.HasPrefix(wf.ReasonForIncompletion, "Workflow timed out after 1 seconds") {
			t.Errorf("workflow %s %q", wf.Status, wf.ReasonForIncompletion)
		}
		if r := wf.row("idle"); r.Status != "CANCELED" {
			t.Errorf("open task %+v, want CANCELED", r)
		}
		// Its cancelled task is no longer offered.
		if tasks := pollBatch(t, u, "to_idle", 100); len(tasks) != 0 {
			t.Errorf("polled a task of a timed-out workflow: %+v", tasks)
		}
	})
	checkReplay(t, testCtx(t, time.Minute), srv, ids)
}

// TestWorkflowTimeoutAcrossRestart: a workflow timeout due while the server
// is down fires after the restart.
func TestWorkflowTimeoutAcrossRestart(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/workflow", `{"name":"to_restart","version":1,"timeoutSeconds":1,"timeoutPolicy":"TIME_OUT_WF",
 "tasks":[{"name":"to_restart_task","taskReferenceName":"a"}]}`).want(t, 200)
	id := string(do(t, "POST", u+"/workflow/to_restart", `{}`).want(t, 200).body)
	srv.kill()
	// The sleep is the point: the 1 s timeout falls due while the server
	// is down.
	time.Sleep(1500 * time.Millisecond)

	srv = startServer(t, srv.Data)
	u = srv.URL + "/api"
	if wf := awaitWorkflow(t, u, id, "ended", ended); wf.Status != "TIMED_OUT" {
		t.Errorf("after restart: %s %q", wf.Status, wf.ReasonForIncompletion)
	}
	checkReplay(t, testCtx(t, time.Minute), srv, []string{id})
}
