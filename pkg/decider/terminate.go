package decider

import (
	"github.com/legatohq/legato/pkg/api"
)

// A TERMINATE task ends its workflow: the task COMPLETES with the workflow
// output as its output, then proceed calls terminatedBy, which cancels
// every other open task and ends the workflow with terminationStatus.

// startTerminate checks terminationStatus and builds the output from
// workflowOutput (a map as is, any other value as {output: value}).
func startTerminate(input map[string]any) started {
	switch input["terminationStatus"] {
	case api.WorkflowCompleted, api.WorkflowFailed, api.WorkflowTerminated:
	default:
		return started{status: api.TaskFailed, reason: "given termination status is not valid"}
	}
	out := map[string]any{}
	switch v := input["workflowOutput"].(type) {
	case nil:
	case map[string]any:
		out = copyMap(v)
	default:
		out["output"] = v
	}
	return started{status: api.TaskCompleted, output: out}
}

// terminatedBy ends the workflow as the completed TERMINATE task t asks.
func (dc *decision) terminatedBy(t *Task) {
	status, _ := t.Input["terminationStatus"].(string)
	reason, _ := t.Input["terminationReason"].(string)
	if reason == "" && status != api.WorkflowCompleted {
		reason = "Workflow is " + status + " by TERMINATE task: " + t.ID
	}
	out := t.Output
	if out == nil {
		out = map[string]any{}
	}
	dc.cancelOpen()
	dc.end(status, reason, out, nil)
}
