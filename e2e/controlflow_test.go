package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
)

// controlFlowDef exercises SWITCH → FORK/JOIN → SET_VARIABLE → TERMINATE
// around worker tasks; the default case terminates the workflow FAILED.
const controlFlowDef = `{"name":"cf_flow","version":1,"tasks":[
 {"name":"cf_prepare","taskReferenceName":"prepare","type":"SIMPLE","inputParameters":{"route":"${workflow.input.route}"}},
 {"name":"route","taskReferenceName":"route","type":"SWITCH","evaluatorType":"value-param","expression":"route",
  "inputParameters":{"route":"${prepare.output.route}"},
  "decisionCases":{"fan":[
    {"name":"fan","taskReferenceName":"fan","type":"FORK_JOIN","forkTasks":[
      [{"name":"cf_left","taskReferenceName":"left","type":"SIMPLE","inputParameters":{"n":"${workflow.input.n}"}},
       {"name":"cf_left","taskReferenceName":"left2","type":"SIMPLE","inputParameters":{"n":"${left.output.n}"}}],
      [{"name":"cf_right","taskReferenceName":"right","type":"SIMPLE","inputParameters":{"n":"${workflow.input.n}"}}]]},
    {"name":"fan_join","taskReferenceName":"fan_join","type":"JOIN","joinOn":["left2","right"]},
    {"name":"remember","taskReferenceName":"remember","type":"SET_VARIABLE","inputParameters":{"joined":"${fan_join.output}"}}]},
  "defaultCase":[{"name":"stop","taskReferenceName":"stop","type":"TERMINATE",
    "inputParameters":{"terminationStatus":"FAILED","terminationReason":"route ${prepare.output.route} is closed"}}]},
 {"name":"mark","taskReferenceName":"mark","type":"SET_VARIABLE","inputParameters":{"stage":"done"}},
 {"name":"finish","taskReferenceName":"finish","type":"TERMINATE","inputParameters":{"terminationStatus":"COMPLETED",
  "workflowOutput":{"left":"${left2.output.n}","right":"${right.output.n}","stage":"${workflow.variables.stage}"}}},
 {"name":"cf_never","taskReferenceName":"never","type":"SIMPLE"}]}`

// TestControlFlow runs SWITCH → FORK/JOIN → SET_VARIABLE → TERMINATE with
// workers polling over HTTP, and the default case's TERMINATE FAILED.
func TestControlFlow(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/taskdefs", `[{"name":"cf_prepare","retryCount":0},{"name":"cf_left","retryCount":0},
		{"name":"cf_right","retryCount":0},{"name":"cf_never","retryCount":0}]`).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", controlFlowDef).want(t, 200)
	types := []string{"cf_prepare", "cf_left", "cf_right"}
	work := func(tk *api.Task) map[string]any {
		switch tk.ReferenceTaskName {
		case "prepare":
			return map[string]any{"route": tk.InputData["route"]}
		case "left":
			return map[string]any{"n": tk.InputData["n"].(float64) + 1}
		case "left2":
			return map[string]any{"n": tk.InputData["n"].(float64) * 10}
		case "right":
			return map[string]any{"n": tk.InputData["n"].(float64) + 100}
		}
		t.Errorf("unexpected task %s (%s)", tk.ReferenceTaskName, tk.TaskType)
		return nil
	}

	id := string(do(t, "POST", u+"/workflow/cf_flow", `{"route":"fan","n":1}`).want(t, 200).body)
	wf := runWorkers(t, u, id, types, 30*time.Second, work)
	if wf.Status != "COMPLETED" {
		t.Fatalf("workflow %s: %s %q", id, wf.Status, wf.ReasonForIncompletion)
	}
	if wf.Output["left"] != 20.0 || wf.Output["right"] != 101.0 || wf.Output["stage"] != "done" || len(wf.Output) != 3 {
		t.Errorf("output %v, want the TERMINATE task's workflowOutput {left:20 right:101 stage:done}", wf.Output)
	}
	joined, _ := wf.Variables["joined"].(map[string]any)
	if wf.Variables["stage"] != "done" || joined["left2"] == nil || joined["right"] == nil {
		t.Errorf("variables %v, want stage and the JOIN's output", wf.Variables)
	}
	rows := map[string]string{}
	for _, tk := range wf.Tasks {
		rows[tk.ReferenceTaskName] = tk.TaskType + " " + tk.Status
		if tk.WorkflowTask == nil || tk.WorkflowTask.TaskReferenceName != tk.ReferenceTaskName {
			t.Errorf("task %s has workflowTask %+v", tk.ReferenceTaskName, tk.WorkflowTask)
		}
	}
	for ref, want := range map[string]string{
		"prepare": "cf_prepare COMPLETED", "route": "SWITCH COMPLETED", "fan": "FORK COMPLETED",
		"left": "cf_left COMPLETED", "left2": "cf_left COMPLETED", "right": "cf_right COMPLETED",
		"fan_join": "JOIN COMPLETED", "remember": "SET_VARIABLE COMPLETED", "mark": "SET_VARIABLE COMPLETED",
		"finish": "TERMINATE COMPLETED",
	} {
		if rows[ref] != want {
			t.Errorf("task %s: %q, want %q", ref, rows[ref], want)
		}
	}
	if _, ok := rows["never"]; ok || len(rows) != 10 {
		t.Errorf("tasks %v: want exactly the 10 above (nothing after TERMINATE)", rows)
	}
	// System tasks are never offered to workers.
	for _, typ := range []string{"SWITCH", "FORK", "JOIN", "SET_VARIABLE", "TERMINATE", "cf_never"} {
		r := do(t, "GET", u+"/tasks/poll/batch/"+typ+"?workerid=cf&timeout=50", nil).want(t, 200)
		if strings.TrimSpace(string(r.body)) != "[]" {
			t.Errorf("poll %s: %s", typ, r.body)
		}
	}

	// The default case: TERMINATE FAILED with the interpolated reason.
	closed := string(do(t, "POST", u+"/workflow/cf_flow", `{"route":"closed","n":1}`).want(t, 200).body)
	wf = runWorkers(t, u, closed, types, 30*time.Second, work)
	if wf.Status != "FAILED" || wf.ReasonForIncompletion != "route closed is closed" {
		t.Errorf("closed route: %s %q, want FAILED \"route closed is closed\"", wf.Status, wf.ReasonForIncompletion)
	}
	checkReplay(t, testCtx(t, time.Minute), srv, []string{id, closed})
}

const waitDef = `{"name":"cf_wait","version":1,"tasks":[
 {"name":"pause","taskReferenceName":"pause","type":"WAIT","inputParameters":{"duration":"${workflow.input.d}"}},
 {"name":"approve","taskReferenceName":"approve","type":"HUMAN"}],
 "outputParameters":{"approved":"${approve.output.ok}"}}`

// openRef holds when a row of ref is IN_PROGRESS.
func openRef(ref string) func(view) bool {
	return func(wf view) bool {
		for _, tk := range wf.Tasks {
			if tk.ReferenceTaskName == ref && tk.Status == "IN_PROGRESS" {
				return true
			}
		}
		return false
	}
}

// TestWait: a WAIT with a duration completes on its own (the history's
// timer), a HUMAN task waits for an update by reference name.
func TestWait(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/workflow", waitDef).want(t, 200)
	id := string(do(t, "POST", u+"/workflow/cf_wait", `{"d":"1s"}`).want(t, 200).body)
	wf := readWorkflow(t, u, id)
	if wf.Status != "RUNNING" || len(wf.Tasks) != 1 || wf.Tasks[0].TaskType != "WAIT" || wf.Tasks[0].Status != "IN_PROGRESS" {
		t.Fatalf("just started: %s %+v", wf.Status, wf.Tasks)
	}
	awaitWorkflow(t, u, id, "waiting for approval", openRef("approve"))
	for _, typ := range []string{"WAIT", "HUMAN", "pause", "approve"} {
		r := do(t, "GET", u+"/tasks/poll/batch/"+typ+"?workerid=w&timeout=50", nil).want(t, 200)
		if strings.TrimSpace(string(r.body)) != "[]" {
			t.Errorf("poll %s: %s", typ, r.body)
		}
	}
	do(t, "POST", u+"/tasks/"+id+"/approve/COMPLETED", `{"ok":true}`).want(t, 200)
	wf = awaitWorkflow(t, u, id, "COMPLETED", func(wf view) bool { return wf.Status == "COMPLETED" })
	if wf.Output["approved"] != true {
		t.Errorf("output %v", wf.Output)
	}

	// Without a duration the WAIT itself waits for an update.
	ext := string(do(t, "POST", u+"/workflow/cf_wait", `{}`).want(t, 200).body)
	do(t, "POST", u+"/tasks/"+ext+"/pause/COMPLETED", `{}`).want(t, 200)
	do(t, "POST", u+"/tasks/"+ext+"/approve/COMPLETED", `{"ok":false}`).want(t, 200)
	if wf := readWorkflow(t, u, ext); wf.Status != "COMPLETED" || wf.Output["approved"] != false {
		t.Errorf("external WAIT: %s %v", wf.Status, wf.Output)
	}

	// A bad duration fails the workflow with a reason.
	bad := string(do(t, "POST", u+"/workflow/cf_wait", `{"d":"soon"}`).want(t, 200).body)
	if wf := readWorkflow(t, u, bad); wf.Status != "FAILED" || !strings.Contains(wf.ReasonForIncompletion, "soon") {
		t.Errorf("bad duration: %s %q", wf.Status, wf.ReasonForIncompletion)
	}
	checkReplay(t, testCtx(t, time.Minute), srv, []string{id, ext, bad})
}

// TestWaitAcrossRestart: the WAIT's due time lives in the workflow's state
// and timer row, so a server started on the same data completes it.
func TestWaitAcrossRestart(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/workflow", waitDef).want(t, 200)
	id := string(do(t, "POST", u+"/workflow/cf_wait", `{"d":"2s"}`).want(t, 200).body)
	srv.stop()

	srv = startServer(t, srv.Data)
	u = srv.URL + "/api"
	awaitWorkflow(t, u, id, "waiting for approval", openRef("approve"))
	do(t, "POST", u+"/tasks/"+id+"/approve/COMPLETED", `{"ok":true}`).want(t, 200)
	if wf := readWorkflow(t, u, id); wf.Status != "COMPLETED" {
		t.Errorf("after restart: %s %q", wf.Status, wf.ReasonForIncompletion)
	}
	checkReplay(t, testCtx(t, time.Minute), srv, []string{id})
}
