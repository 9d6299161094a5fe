package decider

import (
	"fmt"
	"slices"

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
// starts a new child — unless the caller has made its child run again
// (Retry.Resume): then the row is reopened IN_PROGRESS to wait for that
// child, with a new reconciliation deadline (subworkflow.go).

// Retry retries an ended workflow. Resume names failed SUB_WORKFLOW rows
// whose child has been retried, restarted or rerun meanwhile.
type Retry struct {
	Resume []string
}

// retryWorkflow reopens a FAILED, TIMED_OUT or TERMINATED workflow.
func (dc *decision) retryWorkflow(r *Retry) error {
	switch dc.s.Status {
	case api.WorkflowFailed, api.WorkflowTimedOut, api.WorkflowTerminated:
	default:
		return fmt.Errorf("%w: workflow %s is %s; only a FAILED, TIMED_OUT or TERMINATED workflow can be retried",
			ErrConflict, dc.s.WorkflowID, dc.s.Status)
	}
	last := lastRetriable(dc.s)
	var resumed []*Task
	for _, id := range r.Resume {
		t := dc.s.Task(id)
		if t == nil || last[t.Ref] != t || !isSubWorkflow(t) || SubWorkflowID(t) == "" {
			return fmt.Errorf("%w: task %s of workflow %s is not a failed SUB_WORKFLOW task that started a child",
				ErrConflict, id, dc.s.WorkflowID)
		}
		resumed = append(resumed, t)
	}
	d := &events.WorkflowRetriedData{}
	var again []*Task
	for _, t := range dc.s.Tasks {
		if last[t.Ref] != t {
			continue
		}
		if reopensInPlace(dc.defTask(t.Ref)) || slices.Contains(resumed, t) {
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
	for _, t := range resumed {
		dc.rearmSubWorkflow(t)
	}
	dc.operatorRetry = true
	for _, t := range again {
		if wt := dc.defTask(t.Ref); wt != nil {
			dc.schedule(wt, t, t.Iteration)
		}
	}
	return nil
}

// lastRetriable maps each reference name whose latest attempt is
// retriable to that attempt.
func lastRetriable(s *State) map[string]*Task {
	last := map[string]*Task{}
	for _, t := range s.Tasks {
		if retriable(t.Status) {
			last[t.Ref] = t
		} else {
			delete(last, t.Ref)
		}
	}
	return last
}

// ResumableSubWorkflows lists, in seq order, the SUB_WORKFLOW rows of an
// ended workflow that a retry would retry and that started a child: the
// rows a retry may resume once their child runs again (Retry.Resume).
func ResumableSubWorkflows(s *State) []*Task {
	last := lastRetriable(s)
	var out []*Task
	for _, t := range s.Tasks {
		if last[t.Ref] == t && isSubWorkflow(t) && SubWorkflowID(t) != "" {
			out = append(out, t)
		}
	}
	return out
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
