package e2e

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
)

// httpWorker polls and reports over raw HTTP, as a Conductor worker in
// any language does, until the workflow it drives ends; tests that want
// Go's worker loop use pkg/client's RunWorkers through server.client.
type httpWorker struct {
	id     string   // the workerid it polls and reports with
	types  []string // the task types it polls
	batch  int      // tasks per batch poll
	waitMs int      // how long a batch poll waits for a task
	// answer is what it reports for a polled task: the status and the
	// output, or an empty status when the test answers the task itself.
	answer func(*api.Task) (status string, output map[string]any)
	// humans, when set, completes IN_PROGRESS WAIT and HUMAN rows by
	// reference name, as an operator would.
	humans bool
}

// drive works the task types until workflow id ends, and fails the test
// when it has not within. Each round's batch polls wait up to waitMs, so
// the loop does not spin.
func (w httpWorker) drive(t *testing.T, u, id string, within time.Duration) view {
	t.Helper()
	end := time.Now().Add(within)
	for {
		for _, typ := range w.types {
			var tasks []*api.Task
			do(t, "GET", fmt.Sprintf("%s/tasks/poll/batch/%s?workerid=%s&count=%d&timeout=%d", u, typ, w.id, w.batch, w.waitMs), nil).
				want(t, 200).json(t, &tasks)
			for _, tk := range tasks {
				if status, out := w.answer(tk); status != "" {
					do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": tk.WorkflowInstanceID, "taskId": tk.TaskID,
						"status": status, "workerId": w.id, "outputData": out}).want(t, 200)
				}
			}
		}
		wf := readWorkflow(t, u, id)
		if ended(wf) {
			return wf
		}
		for _, tk := range wf.Tasks {
			if w.humans && tk.Status == "IN_PROGRESS" && (tk.TaskType == "WAIT" || tk.TaskType == "HUMAN") {
				do(t, "POST", u+"/tasks/"+id+"/"+tk.ReferenceTaskName+"/COMPLETED", `{}`).want(t, 200)
			}
		}
		if time.Now().After(end) {
			t.Fatalf("workflow %s still %s after %s: %s", id, wf.Status, within, wf.rows())
		}
	}
}

// completed answers every task COMPLETED with output(task).
func completed(output func(*api.Task) map[string]any) func(*api.Task) (string, map[string]any) {
	return func(tk *api.Task) (string, map[string]any) { return "COMPLETED", output(tk) }
}

// runWorkers completes every task of the types with work(task) until
// workflow id ends or the deadline passes.
func runWorkers(t *testing.T, u, id string, types []string, deadline time.Duration, work func(*api.Task) map[string]any) view {
	t.Helper()
	return httpWorker{id: "cf", types: types, batch: 10, waitMs: 100, answer: completed(work)}.drive(t, u, id, deadline)
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
// worker tasks through polls (output {op: "op-<ref>"}), WAIT and HUMAN
// tasks by reference name.
func driveFixture(t *testing.T, u, id string, types []string) view {
	t.Helper()
	op := func(tk *api.Task) map[string]any { return map[string]any{"op": "op-" + tk.ReferenceTaskName} }
	return httpWorker{id: "fx", types: types, batch: 10, waitMs: 20, humans: true, answer: completed(op)}.drive(t, u, id, 30*time.Second)
}
