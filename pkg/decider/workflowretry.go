package decider

import (
	"fmt"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/workflow"
)

// The operator's retry of an ended workflow (event WorkflowRetried), as
// upstream: the latest attempt of each reference name that ended
// FAILED, FAILED_WITH_TERMINAL_ERROR, TIMED_OUT or CANCELED gets a new
// attempt at once, whatever its retry limits. JOIN, EXCLUSIVE_JOIN and
// DO_WHILE rows are not re-created but reopened IN_PROGRESS, so a loop
// goes on in the iteration it failed in and a JOIN waits for the new
// attempts. A new attempt of a SUB_WORKFLOW task has a new task id, so it
// starts a new child.

// retryWorkflow reopens a FAILED, TIMED_OUT or TERMINATED workflow.
func (dc *decision) retryWorkflow() error {
	switch dc.s.Status {
	case api.WorkflowFailed, api.WorkflowTimedOut, api.WorkflowTerminated:
	default:
		return fmt.Errorf("%w: workflow %s is %s; only a FAILED, TIMED_OUT or TERMINATED workflow can be retried",
			ErrConflict, dc.s.WorkflowID, dc.s.Status)
	}
	last := map[string]*Task{}
	for _, t := range dc.s.Tasks {
		if retriable(t.Status) {
			last[t.Ref] = t
		} else {
			delete(last, t.Ref)
		}
	}
	d := &events.WorkflowRetriedData{}
	var again []*Task
	for _, t := range dc.s.Tasks {
		if last[t.Ref] != t {
			continue
		}
		if reopensInPlace(dc.defTask(t.Ref)) {
			d.Reopen = append(d.Reopen, t.ID)
		} else {
			again = append(again, t)
		}
	}
	if len(d.Reopen)+len(again) == 0 && dc.s.Status != api.WorkflowTimedOut {
		return fmt.Errorf("%w: workflow %s has no retryable tasks; use restart to run it again from the start",
			ErrConflict, dc.s.WorkflowID)
	}
	dc.emit(events.Event{Type: events.WorkflowRetried, WorkflowRetried: d})
	dc.operatorRetry = true
	for _, t := range again {
		if wt := dc.defTask(t.Ref); wt != nil {
			dc.schedule(wt, t, t.Iteration)
		}
	}
	return nil
}

// retriable reports whether a row in status s is retried by the operator.
func retriable(s string) bool {
	switch s {
	case api.TaskFailed, api.TaskFailedWithTerminalError, api.TaskTimedOut, api.TaskCanceled:
		return true
	}
	return false
}

// reopensInPlace reports whether a retry reopens wt's row rather than
// creating a new attempt: the tasks that wait for others.
func reopensInPlace(wt *workflow.WorkflowTask) bool {
	if wt == nil {
		return false
	}
	switch wt.Type {
	case workflow.TaskTypeJoin, workflow.TaskTypeExclusiveJoin, workflow.TaskTypeDoWhile:
		return true
	}
	return false
}
