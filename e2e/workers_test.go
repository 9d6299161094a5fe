package e2e

import (
	"strconv"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
)

// These workers poll and report over raw HTTP, as a Conductor worker in
// any language does; tests that want Go's worker loop use pkg/client's
// RunWorkers through server.client.

// runWorkers polls the task types over HTTP and completes every task with
// work(task) until workflow id ends or the deadline passes.
func runWorkers(t *testing.T, u, id string, types []string, deadline time.Duration, work func(*api.Task) map[string]any) view {
	t.Helper()
	end := time.Now().Add(deadline)
	for {
		for _, typ := range types {
			var tasks []*api.Task
			do(t, "GET", u+"/tasks/poll/batch/"+typ+"?workerid=cf&count=10&timeout=100", nil).want(t, 200).json(t, &tasks)
			for _, tk := range tasks {
				do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": tk.WorkflowInstanceID, "taskId": tk.TaskID,
					"status": "COMPLETED", "workerId": "cf", "outputData": work(tk)}).want(t, 200)
			}
		}
		wf := readWorkflow(t, u, id)
		if ended(wf) {
			return wf
		}
		if time.Now().After(end) {
			t.Fatalf("workflow %s still %s after %s: %s", id, wf.Status, deadline, wf.rows())
		}
	}
}

// pollBatch batch-polls at most one task of a type, waiting up to ms.
func pollBatch(t *testing.T, u, typ string, ms int) []*api.Task {
	t.Helper()
	var tasks []*api.Task
	do(t, "GET", u+"/tasks/poll/batch/"+typ+"?workerid=tw&count=1&timeout="+strconv.Itoa(ms), nil).want(t, 200).json(t, &tasks)
	return tasks
}

// pollOne polls a task of typ over HTTP, waiting up to 10 s for one; each
// poll is a 1 s long poll, so the loop does not spin.
func pollOne(t *testing.T, u, typ string) *api.Task {
	t.Helper()
	end := time.Now().Add(10 * time.Second)
	for time.Now().Before(end) {
		if tasks := pollBatch(t, u, typ, 1000); len(tasks) == 1 {
			return tasks[0]
		}
	}
	t.Fatalf("no %s task to poll after 10s", typ)
	return nil
}

// finish polls a task of typ and reports it with status and output.
func finish(t *testing.T, u, typ, status string, output map[string]any) *api.Task {
	t.Helper()
	tk := pollOne(t, u, typ)
	do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": tk.WorkflowInstanceID, "taskId": tk.TaskID,
		"status": status, "workerId": "ops", "outputData": output, "reasonForIncompletion": "worker said " + status}).want(t, 200)
	return tk
}

// driveFixture completes every task the workflow offers until it ends:
// worker tasks through polls (output {op: "op-<ref>"}), WAIT tasks by
// reference name.
func driveFixture(t *testing.T, u, id string, types []string) view {
	t.Helper()
	end := time.Now().Add(30 * time.Second)
	for {
		for _, typ := range types {
			var tasks []*api.Task
			do(t, "GET", u+"/tasks/poll/batch/"+typ+"?workerid=fx&count=10&timeout=20", nil).want(t, 200).json(t, &tasks)
			for _, tk := range tasks {
				do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": tk.WorkflowInstanceID, "taskId": tk.TaskID,
					"status": "COMPLETED", "workerId": "fx", "outputData": map[string]any{"op": "op-" + tk.ReferenceTaskName}}).want(t, 200)
			}
		}
		wf := readWorkflow(t, u, id)
		if ended(wf) {
			return wf
		}
		for _, tk := range wf.Tasks {
			if tk.Status == "IN_PROGRESS" && (tk.TaskType == "WAIT" || tk.TaskType == "HUMAN") {
				do(t, "POST", u+"/tasks/"+id+"/"+tk.ReferenceTaskName+"/COMPLETED", `{}`).want(t, 200)
			}
		}
		if time.Now().After(end) {
			t.Fatalf("workflow %s still %s after 30s: %+v", id, wf.Status, wf.Tasks)
		}
	}
}
