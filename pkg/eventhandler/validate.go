package eventhandler

import (
	"fmt"
	"strings"

	"github.com/legatohq/legato/pkg/expr"
	"github.com/legatohq/legato/pkg/workflow"
)

// Queue types a handler's event may name.
const (
	QueueKafka     = "kafka"
	QueueConductor = "conductor"
)

// SplitEvent splits "type:queue" at its first colon; ok is false when
// either side is empty.
func SplitEvent(event string) (typ, queue string, ok bool) {
	typ, queue, found := strings.Cut(event, ":")
	return typ, queue, found && typ != "" && queue != ""
}

// Validate checks h as the metadata API stores it. The error is a
// *workflow.ValidationError (wrapping workflow.ErrInvalid) listing every
// problem; upstream's messages are kept where it has them.
func (h *Handler) Validate() error {
	var ps []workflow.Problem
	add := func(path, format string, args ...any) {
		ps = append(ps, workflow.Problem{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	if strings.TrimSpace(h.Name) == "" {
		add("name", "Missing event handler name")
	}
	if h.Event == "" {
		add("event", "Missing event location")
	} else if typ, _, ok := SplitEvent(h.Event); !ok {
		add("event", "event %q must be type:queue, e.g. kafka:orders or conductor:workflow:ref", h.Event)
	} else if typ != QueueKafka && typ != QueueConductor {
		add("event", "event type %q is not supported: use kafka or conductor", typ)
	}
	if len(h.Actions) == 0 {
		add("actions", "No actions specified. Please specify at-least one action")
	}
	for i, a := range h.Actions {
		path := fmt.Sprintf("actions[%d]", i)
		switch a.Action {
		case ActionStartWorkflow:
			if a.StartWorkflow == nil || strings.TrimSpace(a.StartWorkflow.Name) == "" {
				add(path+".start_workflow.name", "start_workflow needs the name of the workflow to start")
			} else if err := expr.Check(a.StartWorkflow.Input); err != nil {
				add(path+".start_workflow.input", "start_workflow input: %v", err)
			}
		case ActionCompleteTask, ActionFailTask:
			d := a.CompleteTask
			if a.Action == ActionFailTask {
				d = a.FailTask
			}
			if d == nil || d.TaskID == "" && (d.WorkflowID == "" || d.TaskRefName == "") {
				add(path+"."+a.Action, "%s needs taskId, or workflowId and taskRefName", a.Action)
			} else if err := expr.Check(d.Output); err != nil {
				add(path+"."+a.Action+".output", "%s output: %v", a.Action, err)
			}
		case ActionTerminateWorkflow, ActionUpdateWorkflowVariables, ActionStartAgent:
		default:
			add(path+".action", "unknown action %q: use start_workflow, complete_task, fail_task, terminate_workflow, update_workflow_variables or start_agent", a.Action)
		}
	}
	if len(ps) == 0 {
		return nil
	}
	return &workflow.ValidationError{Kind: "event handler", Name: h.Name, Problems: ps}
}
