package decider

import (
	"strconv"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/workflow"
)

// Deadline is the earliest time (epoch ms) at which the workflow needs a
// Tick, or 0 when it needs none: a worker task's response timeout, a
// WAIT task's due time, a started SUB_WORKFLOW's reconciliation, or now for a DO_WHILE that yielded (loop.go). It depends only on the state (not on State.Def).
func Deadline(s *State) int64 {
	if s.Status != api.WorkflowRunning {
		return 0
	}
	var at int64
	for _, t := range s.Tasks {
		for _, d := range [2]int64{responseDeadline(t), waitDeadline(t)} {
			if d > 0 && (at == 0 || d < at) {
				at = d
			}
		}
	}
	return at
}

// responseDeadline is when an IN_PROGRESS task times out for lack of news
// from its worker.
func responseDeadline(t *Task) int64 {
	if t.Status != api.TaskInProgress || t.ResponseTimeoutSeconds <= 0 {
		return 0
	}
	if t.Awaiting {
		return 0 // an asyncComplete HTTP task waits for an update from outside
	}
	if isSubWorkflow(t) && t.WaitUntil > 0 {
		return 0 // the child runs; reconciled from WaitUntil instead
	}
	return t.UpdateTime + t.ResponseTimeoutSeconds*1000
}

// tick acts on every deadline that has passed, in task order: it times out
// worker tasks, completes WAIT tasks that are due and resumes DO_WHILEs
// that yielded.
func (dc *decision) tick() {
	if !dc.running() {
		return
	}
	var due []*Task
	for _, t := range dc.s.Tasks {
		if d := responseDeadline(t); d > 0 && d <= dc.now {
			due = append(due, t)
		} else if d := waitDeadline(t); d > 0 && d <= dc.now {
			due = append(due, t)
		}
	}
	for _, t := range due {
		if !dc.running() || api.TaskTerminal(t.Status) {
			continue
		}
		if d := waitDeadline(t); d > 0 && d <= dc.now {
			if isSubWorkflow(t) {
				// The caller fed the child's end first if it has ended.
				dc.rearmSubWorkflow(t)
				continue
			}
			if wt := dc.defTask(t.Ref); wt != nil && wt.Type == workflow.TaskTypeDoWhile {
				dc.resumeLoop(t, wt)
				continue
			}
			dc.emit(events.Event{Type: events.TaskUpdated, Ref: t.Ref, TaskUpdated: &events.TaskUpdatedData{
				TaskID: t.ID, Status: api.TaskCompleted,
			}})
		} else {
			dc.release(t)
			dc.emit(events.Event{Type: events.TaskUpdated, Ref: t.Ref, TaskUpdated: &events.TaskUpdatedData{
				TaskID: t.ID, Status: api.TaskTimedOut,
				Reason: "responseTimeout: " + strconv.FormatInt(t.ResponseTimeoutSeconds, 10) + " seconds elapsed without a worker update",
			}})
		}
		dc.afterTerminal(t)
	}
}
