package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
)

// largeForkDef builds the list of n branches with jq from a count, forks
// them dynamically and joins them.
const largeForkDef = `{"name":"lf_flow","version":1,"tasks":[
 {"name":"lf_list","taskReferenceName":"list","type":"JSON_JQ_TRANSFORM","inputParameters":{"n":"${workflow.input.n}",
   "queryExpression":"{tasks: [range(.n) | {name: \"lf_branch\", taskReferenceName: \"b\\(.)\"}], inputs: {}}"}},
 {"name":"lf_fork","taskReferenceName":"fork","type":"FORK_JOIN_DYNAMIC",
  "inputParameters":{"tasks":"${list.output.result.tasks}","inputs":"${list.output.result.inputs}"},
  "dynamicForkTasksParam":"tasks","dynamicForkTasksInputParamName":"inputs"},
 {"name":"lf_join","taskReferenceName":"join","type":"JOIN"}]}`

// TestLargeDynamicFork runs a 3,000-branch dynamic fork with batch-polling
// workers: every branch is handed out exactly once, the JOIN's output
// (the workflow's) holds every branch's, GET .../tasks pages the rows,
// and the history folds to the stored state.
func TestLargeDynamicFork(t *testing.T) {
	const n = 3000
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/taskdefs", `[{"name":"lf_branch","retryCount":0,"responseTimeoutSeconds":300}]`).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", largeForkDef).want(t, 200)
	id := string(do(t, "POST", u+"/workflow/lf_flow", map[string]any{"n": n}).want(t, 200).body)

	handed := map[string]int{}
	var wf view
	ok := await(t, 2*time.Minute, func() bool {
		var tasks []*api.Task
		do(t, "GET", u+"/tasks/poll/batch/lf_branch?workerid=lf&count=200&timeout=200", nil).want(t, 200).json(t, &tasks)
		for _, tk := range tasks {
			handed[tk.ReferenceTaskName]++
			do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": id, "taskId": tk.TaskID, "status": "COMPLETED",
				"workerId": "lf", "outputData": map[string]any{"ref": tk.ReferenceTaskName}}).want(t, 200)
		}
		if len(tasks) > 0 {
			return false
		}
		do(t, "GET", u+"/workflow/"+id+"?includeTasks=false", nil).want(t, 200).json(t, &wf)
		return ended(wf)
	})
	if !ok {
		t.Fatalf("workflow %s still %s with %d of %d branches handed out", id, wf.Status, len(handed), n)
	}
	if wf.Status != api.WorkflowCompleted || len(handed) != n {
		t.Fatalf("workflow %s %q with %d of %d branches handed out", wf.Status, wf.ReasonForIncompletion, len(handed), n)
	}
	for ref, k := range handed {
		if k != 1 {
			t.Fatalf("branch %s handed out %d times", ref, k)
		}
	}
	if len(wf.Output) != n {
		t.Fatalf("JOIN output has %d branches, want %d", len(wf.Output), n)
	}
	for i := range n {
		ref := fmt.Sprintf("b%d", i)
		if out, _ := wf.Output[ref].(map[string]any); out["ref"] != ref {
			t.Fatalf("JOIN output of %s = %v", ref, wf.Output[ref])
		}
	}

	// Rows: the jq task, the FORK, the branches in order, the JOIN.
	var page struct {
		TotalHits int         `json:"totalHits"`
		Results   []*api.Task `json:"results"`
	}
	do(t, "GET", u+"/workflow/"+id+"/tasks?start=1002&count=3", nil).want(t, 200).json(t, &page)
	if page.TotalHits != n+3 || len(page.Results) != 3 || page.Results[0].ReferenceTaskName != "b1000" ||
		page.Results[0].ParentTaskID == "" {
		t.Fatalf("page from 1002: totalHits %d, %d results, first %+v", page.TotalHits, len(page.Results), page.Results[0])
	}
	do(t, "GET", u+"/workflow/"+id+"/tasks?status=JOIN_NOPE&count=3", nil).want(t, 200).json(t, &page)
	if page.TotalHits != 0 || len(page.Results) != 0 {
		t.Fatalf("no status matches, got totalHits %d", page.TotalHits)
	}
	checkReplay(t, testCtx(t, time.Minute), srv, []string{id})
}

// TestSizeLimits: a workflow that grows past the server's limits ends
// FAILED with a reason naming the limit, never stuck RUNNING; a start
// whose input is over the payload limit is refused with a 400.
func TestSizeLimits(t *testing.T) {
	srv := startServer(t, "", "--max-fork-branches", "5", "--max-workflow-tasks", "8", "--max-payload-bytes", "2000")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/taskdefs", `[{"name":"lf_branch","retryCount":0}]`).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", largeForkDef).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", `{"name":"sl_loop","version":1,"tasks":[
	 {"name":"loop","taskReferenceName":"loop","type":"DO_WHILE","loopCondition":"true",
	  "loopOver":[{"name":"nop","taskReferenceName":"nop","type":"NOOP"}]}]}`).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", `{"name":"sl_work","version":1,"tasks":[{"name":"lf_branch","taskReferenceName":"w"}]}`).want(t, 200)
	ctx := testCtx(t, time.Minute)
	c := srv.client()
	failed := func(id, mentions string) {
		t.Helper()
		wf := awaitEnded(t, ctx, c, id)
		if wf.Status != api.WorkflowFailed || !strings.Contains(wf.ReasonForIncompletion, mentions) {
			t.Fatalf("workflow %s %s %q, want FAILED naming %s", id, wf.Status, wf.ReasonForIncompletion, mentions)
		}
	}

	failed(string(do(t, "POST", u+"/workflow/lf_flow", map[string]any{"n": 6}).want(t, 200).body), "(maxForkBranches) of 5")
	failed(string(do(t, "POST", u+"/workflow/sl_loop", `{}`).want(t, 200).body), "(maxTasks) of 8 tasks")

	id := string(do(t, "POST", u+"/workflow/sl_work", `{}`).want(t, 200).body)
	tk := pollOne(t, u, "lf_branch")
	do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": id, "taskId": tk.TaskID, "status": "COMPLETED",
		"outputData": map[string]any{"blob": strings.Repeat("x", 3000)}}).want(t, 200)
	failed(id, "larger than 2000 bytes, the limit (maxPayloadBytes)")
	if wf := readWorkflow(t, u, id); wf.row("w").Status != api.TaskFailedWithTerminalError {
		t.Fatalf("task %s, want FAILED_WITH_TERMINAL_ERROR", wf.row("w").Status)
	}

	do(t, "POST", u+"/workflow/sl_work", map[string]any{"blob": strings.Repeat("x", 3000)}).want(t, 400).errorBody(t, "maxPayloadBytes")
}
