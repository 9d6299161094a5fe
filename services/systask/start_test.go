package systask

import (
	"context"
	"fmt"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/workflow"
)

// kid is a child with one SIMPLE task, k, that the test completes.
func kid() *workflow.WorkflowDef {
	return &workflow.WorkflowDef{Name: "kid", Version: 1, Tasks: []*workflow.WorkflowTask{{Name: "k",
		TaskReferenceName: "k", Type: workflow.TaskTypeSimple}}}
}

// mom runs kid as a SUB_WORKFLOW.
func mom() *workflow.WorkflowDef {
	return &workflow.WorkflowDef{Name: "mom", Version: 1, Tasks: []*workflow.WorkflowTask{{Name: "sub",
		TaskReferenceName: "sub", Type: workflow.TaskTypeSubWorkflow,
		SubWorkflowParam: &workflow.SubWorkflowParams{Name: "kid"}}}}
}

// TestSubWorkflow: the runners start a SUB_WORKFLOW's child, which
// inherits the parent's correlationId, priority and taskToDomain; the
// parent's task is IN_PROGRESS with the child's id until the child ends,
// and the child's output finishes it.
func TestSubWorkflow(t *testing.T) {
	e := startEngine(t, true, kid(), mom())
	parent := e.start(t, &api.StartWorkflowRequest{Name: "mom", CorrelationID: "c1", Priority: 3,
		TaskToDomain: map[string]string{"k": "blue"}})
	pw := e.await(t, parent, func(wf *api.Workflow) bool { return len(wf.Tasks) == 1 && wf.Tasks[0].SubWorkflowID != "" })
	sub := row(t, pw, "sub")
	if sub.Status != api.TaskInProgress || sub.WorkerID != api.SystemWorkerID {
		t.Fatalf("sub task %s by %q", sub.Status, sub.WorkerID)
	}
	cw, err := e.hist.Workflow(context.Background(), sub.SubWorkflowID, false)
	if err != nil {
		t.Fatal(err)
	}
	if cw.ParentWorkflowID != parent || cw.ParentWorkflowTaskID != sub.TaskID || cw.CorrelationID != "c1" ||
		cw.Priority != 3 || cw.TaskToDomain["k"] != "blue" {
		t.Fatalf("child: parent %s/%s, correlation %q, priority %d, taskToDomain %v",
			cw.ParentWorkflowID, cw.ParentWorkflowTaskID, cw.CorrelationID, cw.Priority, cw.TaskToDomain)
	}
	e.complete(t, e.poll(t, "k", "blue"), map[string]any{"x": 1})
	pw = e.await(t, parent, ended)
	if sub := row(t, pw, "sub"); pw.Status != api.WorkflowCompleted || fmt.Sprint(sub.OutputData["x"]) != "1" { // an int in memory, a float64 once read from the store
		t.Fatalf("parent %s, sub task output %v", pw.Status, sub.OutputData)
	}
}

// TestSubWorkflowRestartedFindsChild: running an attempt again (as after
// a crash before its result was reported) finds the child the first run
// started instead of starting another.
func TestSubWorkflowRestartedFindsChild(t *testing.T) {
	e := startEngine(t, false, kid(), mom())
	ctx := context.Background()
	parent := e.start(t, &api.StartWorkflowRequest{Name: "mom"})
	task := e.poll(t, workflow.TaskTypeSubWorkflow, api.SystemDomain)
	e.sys.runSubWorkflow(ctx, task)
	child := row(t, e.await(t, parent, func(*api.Workflow) bool { return true }), "sub").SubWorkflowID
	if child == "" {
		t.Fatal("no child started")
	}
	e.sys.runSubWorkflow(ctx, task)
	if again := row(t, e.await(t, parent, func(*api.Workflow) bool { return true }), "sub").SubWorkflowID; again != child {
		t.Fatalf("second run: child %q, want %q", again, child)
	}
	running, err := e.hist.Running(ctx, "kid", 1)
	if err != nil || len(running) != 1 {
		t.Fatalf("running children %v, %v; want just %s", running, err, child)
	}
}

// TestSubWorkflowOrphanTerminated: a child started for an attempt that
// ended meanwhile (its parent was terminated while the start was in
// flight) has nobody to wait for it, and is terminated.
func TestSubWorkflowOrphanTerminated(t *testing.T) {
	e := startEngine(t, false, kid(), mom())
	ctx := context.Background()
	parent := e.start(t, &api.StartWorkflowRequest{Name: "mom"})
	task := e.poll(t, workflow.TaskTypeSubWorkflow, api.SystemDomain)
	if err := e.hist.Terminate(ctx, parent, "stop"); err != nil {
		t.Fatal(err)
	}
	e.sys.runSubWorkflow(ctx, task)
	running, err := e.hist.Running(ctx, "kid", 1)
	if err != nil || len(running) != 0 {
		t.Fatalf("children still running: %v, %v", running, err)
	}
}

// TestStartWorkflow: a START_WORKFLOW task starts the workflow its input
// describes, which inherits the correlationId, and completes with its id;
// an input without startWorkflow fails for good.
func TestStartWorkflow(t *testing.T) {
	starter := func(name string, in map[string]any) *workflow.WorkflowDef {
		return &workflow.WorkflowDef{Name: name, Version: 1, Tasks: []*workflow.WorkflowTask{{Name: "go",
			TaskReferenceName: "go", Type: workflow.TaskTypeStartWorkflow, InputParameters: in}}}
	}
	e := startEngine(t, true, kid(),
		starter("starter", map[string]any{"startWorkflow": map[string]any{"name": "kid", "input": map[string]any{"a": 1}}}),
		starter("broken", map[string]any{"nothing": true}))

	wf := e.await(t, e.start(t, &api.StartWorkflowRequest{Name: "starter", CorrelationID: "c2"}), ended)
	started, _ := row(t, wf, "go").OutputData["workflowId"].(string)
	if wf.Status != api.WorkflowCompleted || started == "" {
		t.Fatalf("starter %s, output %v", wf.Status, row(t, wf, "go").OutputData)
	}
	kw, err := e.hist.Workflow(context.Background(), started, false)
	if err != nil {
		t.Fatal(err)
	}
	if kw.WorkflowName != "kid" || kw.CorrelationID != "c2" || kw.Input["a"] != 1.0 || kw.ParentWorkflowID != "" {
		t.Fatalf("started %s: correlation %q, input %v, parent %q", kw.WorkflowName, kw.CorrelationID, kw.Input, kw.ParentWorkflowID)
	}

	wf = e.await(t, e.start(t, &api.StartWorkflowRequest{Name: "broken"}), ended)
	if g := row(t, wf, "go"); g.Status != api.TaskFailedWithTerminalError || g.ReasonForIncompletion == "" {
		t.Fatalf("no startWorkflow: task %s %q", g.Status, g.ReasonForIncompletion)
	}
}
