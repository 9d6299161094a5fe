package decider

import (
	"fmt"

	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/workflow"
)

// The operator's rerun of an ended workflow. Without a task it is a
// restart (event WorkflowRestarted) that may replace the input and
// correlation id. From a task (event WorkflowRerun), that row and every
// later one are dropped and the task is scheduled again, its input
// re-evaluated with taskInput merged over it; what follows it runs as
// the definition says. Only tasks the workflow walks through in order
// can be rerun from: not one inside a FORK branch or a DO_WHILE body
// (later rows of the other branches or iterations would be lost), nor a
// task a dynamic fork forked, nor a JOIN (its branches' later rows would
// be lost too). Rerun from the FORK or DO_WHILE instead.

// Rerun reruns an ended workflow from task TaskID, or from the start
// when TaskID is "". Input (with the definition's inputTemplate) and
// CorrelationID replace the workflow's when set; TaskInput is merged into
// the rerun task's input.
type Rerun struct {
	TaskID        string
	Input         map[string]any
	TaskInput     map[string]any
	CorrelationID string
}

func (dc *decision) rerun(r *Rerun) error {
	if err := dc.ended("rerun"); err != nil {
		return err
	}
	var input map[string]any
	if r.Input != nil {
		input = withInputTemplate(dc.s.Def, r.Input)
	}
	if r.TaskID == "" {
		dc.startOver(dc.s.Def, dc.s.DefHash, input, r.CorrelationID)
		return nil
	}
	t := dc.s.Task(r.TaskID)
	if t == nil {
		return fmt.Errorf("%w: workflow %s has no task %s to rerun from", ErrInvalid, dc.s.WorkflowID, r.TaskID)
	}
	wt := dc.graph().Task(t.Ref)
	if wt == nil || dc.graph().Container(t.Ref) != nil || isJoin(wt) {
		return fmt.Errorf("%w: task %s (%s) is a JOIN, is inside a FORK branch or DO_WHILE body, or was forked dynamically; rerun from the FORK or DO_WHILE task instead",
			ErrInvalid, t.ID, t.Ref)
	}
	dc.forked, dc.forkedSeen = nil, 0 // the rows they were read from may go
	dc.emit(events.Event{Type: events.WorkflowRerun, WorkflowRerun: &events.WorkflowRerunData{
		TaskID: t.ID, Input: input, CorrelationID: r.CorrelationID,
	}})
	dc.taskInput = r.TaskInput
	dc.schedule(wt, nil, 0)
	dc.taskInput = nil
	return nil
}

func isJoin(wt *workflow.WorkflowTask) bool {
	return wt.Type == workflow.TaskTypeJoin || wt.Type == workflow.TaskTypeExclusiveJoin
}

// mergeTaskInput merges a rerun's taskInput into the input of the row
// being created, once.
func (dc *decision) mergeTaskInput(input map[string]any) {
	for k, v := range dc.taskInput {
		input[k] = v
	}
	dc.taskInput = nil
}
