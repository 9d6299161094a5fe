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
//
// A rerun from a task of a child workflow (history finds it) reruns the
// child from it, then the parent from the SUB_WORKFLOW row that started
// the child with ResumeChild: that row is kept and reopened IN_PROGRESS,
// waiting for the child, and only the rows after it are dropped.

// Rerun reruns an ended workflow from task TaskID, or from the start
// when TaskID is "". Input (with the definition's inputTemplate) and
// CorrelationID replace the workflow's when set; TaskInput is merged into
// the rerun task's input.
type Rerun struct {
	TaskID        string
	Input         map[string]any
	TaskInput     map[string]any
	CorrelationID string
	// ResumeChild says TaskID is a SUB_WORKFLOW row whose child has been
	// rerun: the row waits for it rather than starting a new one.
	ResumeChild bool
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
	if err := CanRerunFrom(dc.s, r.TaskID); err != nil {
		return err
	}
	t := dc.s.Task(r.TaskID)
	if r.ResumeChild && (!isSubWorkflow(t) || SubWorkflowID(t) == "") {
		return fmt.Errorf("%w: task %s of workflow %s started no child", ErrInvalid, t.ID, dc.s.WorkflowID)
	}
	dc.emit(events.Event{Type: events.WorkflowRerun, WorkflowRerun: &events.WorkflowRerunData{
		TaskID: t.ID, Input: input, CorrelationID: r.CorrelationID, ResumeChild: r.ResumeChild,
	}})
	if r.ResumeChild {
		dc.rearmSubWorkflow(t)
		return nil
	}
	dc.taskInput = r.TaskInput
	dc.schedule(dc.graph().Task(t.Ref), nil, 0)
	dc.taskInput = nil
	return nil
}

// CanRerunFrom reports why workflow s cannot be rerun from its task
// taskID (an ErrInvalid), or nil. s.Def must be set.
func CanRerunFrom(s *State, taskID string) error {
	t := s.Task(taskID)
	if t == nil {
		return fmt.Errorf("%w: workflow %s has no task %s to rerun from", ErrInvalid, s.WorkflowID, taskID)
	}
	g := graphOf(s.Def)
	wt := g.Task(t.Ref)
	if wt == nil || g.Container(t.Ref) != nil || isJoin(wt) {
		return fmt.Errorf("%w: task %s (%s) is a JOIN, is inside a FORK branch or DO_WHILE body, or was forked dynamically; rerun from the FORK or DO_WHILE task instead",
			ErrInvalid, t.ID, t.Ref)
	}
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
