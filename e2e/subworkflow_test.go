package e2e

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
)

// childStarted waits until the SUB_WORKFLOW task ref of workflow id has
// started its child and returns the child's id.
func childStarted(t *testing.T, u, id, ref string) string {
	t.Helper()
	wf := awaitWorkflow(t, u, id, "running its child", func(wf view) bool { return wf.row(ref).SubWorkflowID != "" })
	return wf.row(ref).SubWorkflowID
}

const (
	swChildDef = `{"name":"sw_child","version":1,"tasks":[
 {"name":"sw_b","taskReferenceName":"b1","inputParameters":{"n":"${workflow.input.n}"}},
 {"name":"sw_c","taskReferenceName":"c1","inputParameters":{"n":"${b1.output.n}"}}],
 "outputParameters":{"x":"${c1.output.x}","n":"${workflow.input.n}"}}`
	swParentDef = `{"name":"sw_parent","version":1,"tasks":[
 {"name":"sw_a","taskReferenceName":"a"},
 {"name":"sub","taskReferenceName":"sub","type":"SUB_WORKFLOW","inputParameters":{"n":"${a.output.n}"},
  "subWorkflowParam":{"name":"sw_child"}},
 {"name":"sw_d","taskReferenceName":"d","inputParameters":{"x":"${sub.output.x}"}}],
 "outputParameters":{"x":"${d.input.x}","child":"${sub.output.subWorkflowId}"}}`
	swFailChildDef  = `{"name":"sw_fail_child","version":1,"tasks":[{"name":"sw_b","taskReferenceName":"b1"}]}`
	swFailParentDef = `{"name":"sw_fail_parent","version":1,"tasks":[
 {"name":"sub","taskReferenceName":"sub","type":"SUB_WORKFLOW","subWorkflowParam":{"name":"sw_fail_child","version":1}},
 {"name":"sw_d","taskReferenceName":"d"}]}`
	swStarterDef = `{"name":"sw_starter","version":1,"tasks":[
 {"name":"st","taskReferenceName":"st","type":"START_WORKFLOW",
  "inputParameters":{"startWorkflow":{"name":"sw_child","input":{"n":"${workflow.input.n}"}}}}]}`
)

// TestSubWorkflow: a SUB_WORKFLOW runs its child to the end and the parent
// goes on with the child's output; a failed child fails the parent with its
// reason; terminating the parent terminates the child; START_WORKFLOW
// starts an unrelated workflow and completes with its id.
func TestSubWorkflow(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/taskdefs", `[{"name":"sw_a","retryCount":0},{"name":"sw_b","retryCount":0},
	 {"name":"sw_c","retryCount":0},{"name":"sw_d","retryCount":0}]`).want(t, 200)
	for _, d := range []string{swChildDef, swParentDef, swFailChildDef, swFailParentDef, swStarterDef} {
		do(t, "POST", u+"/metadata/workflow", d).want(t, 200)
	}
	var ids []string

	// Parent → child → parent.
	parent := string(do(t, "POST", u+"/workflow", `{"name":"sw_parent","correlationId":"corr-1","input":{}}`).want(t, 200).body)
	ids = append(ids, parent)
	runWorkers(t, u, parent, []string{"sw_a", "sw_b", "sw_c", "sw_d"}, 30*time.Second, func(tk *api.Task) map[string]any {
		switch tk.TaskType {
		case "sw_a":
			return map[string]any{"n": 3}
		case "sw_b":
			return map[string]any{"n": tk.InputData["n"]}
		case "sw_c":
			return map[string]any{"x": 7}
		}
		return map[string]any{}
	})
	pw := readWorkflow(t, u, parent)
	sub := pw.row("sub")
	if pw.Status != "COMPLETED" || sub.Status != "COMPLETED" || sub.SubWorkflowID == "" {
		t.Fatalf("parent %s, sub task %s child %q", pw.Status, sub.Status, sub.SubWorkflowID)
	}
	if pw.Output["x"] != 7.0 || pw.Output["child"] != sub.SubWorkflowID || sub.OutputData["x"] != 7.0 || sub.OutputData["n"] != 3.0 {
		t.Fatalf("parent output %v, sub task output %v", pw.Output, sub.OutputData)
	}
	if sub.InputData["subWorkflowName"] != "sw_child" || sub.InputData["subWorkflowVersion"] != 1.0 {
		t.Fatalf("sub task input %v", sub.InputData)
	}
	child := readWorkflow(t, u, sub.SubWorkflowID)
	ids = append(ids, child.WorkflowID)
	if child.Status != "COMPLETED" || child.ParentWorkflowID != parent || child.ParentWorkflowTaskID != sub.TaskID ||
		child.CorrelationID != "corr-1" || child.Input["n"] != 3.0 {
		t.Fatalf("child: status %s parent %q/%q correlation %q input %v", child.Status, child.ParentWorkflowID,
			child.ParentWorkflowTaskID, child.CorrelationID, child.Input)
	}
	var tk *api.Task
	do(t, "GET", u+"/tasks/"+sub.TaskID, nil).want(t, 200).json(t, &tk)
	if tk.SubWorkflowID != child.WorkflowID {
		t.Fatalf("GET task: subWorkflowId %q, want %q", tk.SubWorkflowID, child.WorkflowID)
	}

	// A failing child fails the parent with its reason.
	failing := string(do(t, "POST", u+"/workflow/sw_fail_parent", `{}`).want(t, 200).body)
	ids = append(ids, failing)
	failChild := childStarted(t, u, failing, "sub")
	ids = append(ids, failChild)
	var polled []*api.Task
	do(t, "GET", u+"/tasks/poll/batch/sw_b?workerid=w&timeout=5000", nil).want(t, 200).json(t, &polled)
	if len(polled) != 1 || polled[0].WorkflowInstanceID != failChild {
		t.Fatalf("polled %+v, want the child's task", polled)
	}
	do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": failChild, "taskId": polled[0].TaskID,
		"status": "FAILED", "reasonForIncompletion": "boom"}).want(t, 200)
	fw := awaitWorkflow(t, u, failing, "ended", ended)
	if fw.Status != "FAILED" || !strings.Contains(fw.ReasonForIncompletion, "Sub workflow "+failChild+" failure reason:") || !strings.Contains(fw.ReasonForIncompletion, "boom") {
		t.Fatalf("parent of a failed child: %s %q", fw.Status, fw.ReasonForIncompletion)
	}
	if st := fw.row("sub").Status; st != "FAILED" {
		t.Fatalf("sub task of a failed child is %s", st)
	}

	// Terminating the parent terminates the child.
	term := string(do(t, "POST", u+"/workflow/sw_fail_parent", `{}`).want(t, 200).body)
	ids = append(ids, term)
	termChild := childStarted(t, u, term, "sub")
	ids = append(ids, termChild)
	do(t, "DELETE", u+"/workflow/"+term+"?reason=enough", nil).want(t, 200)
	cw := awaitWorkflow(t, u, termChild, "terminated", ended)
	if cw.Status != "TERMINATED" {
		t.Fatalf("child of a terminated parent is %s", cw.Status)
	}
	if pw := readWorkflow(t, u, term); pw.Status != "TERMINATED" || pw.row("sub").Status != "CANCELED" {
		t.Fatalf("terminated parent %s, its sub task %s", pw.Status, pw.row("sub").Status)
	}

	// A terminated child cancels its task, which terminates the parent.
	cancel := string(do(t, "POST", u+"/workflow/sw_fail_parent", `{}`).want(t, 200).body)
	ids = append(ids, cancel)
	cancelChild := childStarted(t, u, cancel, "sub")
	ids = append(ids, cancelChild)
	do(t, "DELETE", u+"/workflow/"+cancelChild+"?reason=stop", nil).want(t, 200)
	if pw := awaitWorkflow(t, u, cancel, "ended", ended); pw.Status != "TERMINATED" || pw.row("sub").Status != "CANCELED" {
		t.Fatalf("parent of a terminated child: %s, sub task %s", pw.Status, pw.row("sub").Status)
	}

	// START_WORKFLOW starts an independent workflow.
	starter := string(do(t, "POST", u+"/workflow", `{"name":"sw_starter","correlationId":"corr-s","input":{"n":5}}`).want(t, 200).body)
	ids = append(ids, starter)
	sw := awaitWorkflow(t, u, starter, "ended", ended)
	started, _ := sw.row("st").OutputData["workflowId"].(string)
	if sw.Status != "COMPLETED" || started == "" {
		t.Fatalf("starter %s, task output %v", sw.Status, sw.row("st").OutputData)
	}
	ids = append(ids, started)
	ow := readWorkflow(t, u, started)
	if ow.Status != "RUNNING" || ow.ParentWorkflowID != "" || ow.CorrelationID != "corr-s" || ow.Input["n"] != 5.0 {
		t.Fatalf("started workflow: %s parent %q correlation %q input %v", ow.Status, ow.ParentWorkflowID, ow.CorrelationID, ow.Input)
	}
	do(t, "DELETE", u+"/workflow/"+started, nil).want(t, 200)

	// Unknown child: the SUB_WORKFLOW fails for good, with the reason.
	do(t, "POST", u+"/metadata/workflow", `{"name":"sw_orphan","version":1,"tasks":[
	 {"name":"sub","taskReferenceName":"sub","type":"SUB_WORKFLOW","subWorkflowParam":{"name":"sw_no_such"}}]}`).want(t, 200)
	orphan := string(do(t, "POST", u+"/workflow/sw_orphan", `{}`).want(t, 200).body)
	ids = append(ids, orphan)
	ow = awaitWorkflow(t, u, orphan, "ended", ended)
	if ow.Status != "FAILED" || !strings.Contains(ow.ReasonForIncompletion, "sw_no_such") {
		t.Fatalf("unknown child: %s %q", ow.Status, ow.ReasonForIncompletion)
	}
	checkReplay(t, testCtx(t, time.Minute), srv, ids)
}

// TestConductorFixturesSubWorkflow runs Conductor's SUB_WORKFLOW and
// START_WORKFLOW fixtures.
func TestConductorFixturesSubWorkflow(t *testing.T) {
	if _, err := os.Stat(conductorFixtures); err != nil {
		t.Skipf("Conductor fixtures not found at %s (shared/reference beside the repository): %v", conductorFixtures, err)
	}
	srv := startServer(t, "")
	u := srv.URL + "/api"
	childDef := registerFixture(t, u, "simple_one_task_sub_workflow_integration_test.json")
	parentDef := registerFixture(t, u, "workflow_with_sub_workflow_1_integration_test.json")
	types := append(workerTypes(parentDef), workerTypes(childDef)...)
	var ids []string

	id := string(do(t, "POST", u+"/workflow/"+parentDef.Name,
		`{"param1":"p1","param2":"p2","subwf":"`+childDef.Name+`"}`).want(t, 200).body)
	ids = append(ids, id)
	driveFixture(t, u, id, types)
	wf := readWorkflow(t, u, id)
	sub := wf.row("t2")
	if wf.Status != "COMPLETED" || sub.Status != "COMPLETED" || sub.SubWorkflowID == "" {
		t.Fatalf("%s: %s, t2 %s child %q", parentDef.Name, wf.Status, sub.Status, sub.SubWorkflowID)
	}
	child := readWorkflow(t, u, sub.SubWorkflowID)
	ids = append(ids, child.WorkflowID)
	if child.Status != "COMPLETED" || child.ParentWorkflowID != id || child.Input["param1"] != "p1" {
		t.Fatalf("child %s parent %q input %v", child.Status, child.ParentWorkflowID, child.Input)
	}

	starterDef := registerFixture(t, u, "workflow_that_starts_another_workflow.json")
	id = string(do(t, "POST", u+"/workflow/"+starterDef.Name,
		`{"startWorkflow":{"name":"`+childDef.Name+`","input":{"k":"v"}}}`).want(t, 200).body)
	ids = append(ids, id)
	wf = awaitWorkflow(t, u, id, "ended", ended)
	other, _ := wf.row("st").OutputData["workflowId"].(string)
	if wf.Status != "COMPLETED" || other == "" {
		t.Fatalf("%s: %s, st output %v", starterDef.Name, wf.Status, wf.row("st").OutputData)
	}
	ids = append(ids, other)
	if ow := driveFixture(t, u, other, workerTypes(childDef)); ow.Status != "COMPLETED" {
		t.Fatalf("started workflow %s", ow.Status)
	}
	checkReplay(t, testCtx(t, time.Minute), srv, ids)
}
