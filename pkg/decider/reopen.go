package decider

import (
	"fmt"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
)

// The fold of the operator's retry, restart and rerun (workflowretry.go,
// restart.go, rerun.go): each sets an ended workflow RUNNING again and
// stamps LastRetriedTime, from which a workflow timeout counts anew.

func applyReopened(s *State, e *events.Event) error {
	if !api.WorkflowTerminal(s.Status) {
		return fmt.Errorf("%w: %s of a %s workflow", ErrCorrupt, e.Type, s.Status)
	}
	s.Status = api.WorkflowRunning
	s.Reason, s.EndTime = "", 0
	s.FailedRefs, s.FailedTaskNames = nil, nil
	s.Deferred = nil
	s.LastRetriedTime = e.Time
	switch e.Type {
	case events.WorkflowRetried:
		return reopenTasks(s, e.WorkflowRetried.Reopen, e.Time)
	case events.WorkflowRestarted:
		d := e.WorkflowRestarted
		s.Name, s.Version, s.DefHash = d.Name, d.Version, d.DefHash
		s.Tasks, s.Output, s.Variables = nil, nil, d.Variables
		s.Removed = 0 // seq starts over; Generation keeps the ids new
		s.TimeoutSeconds = d.TimeoutSeconds
		s.Generation++
		replaceIdentity(s, d.Input, d.CorrelationID)
	case events.WorkflowRerun:
		d := e.WorkflowRerun
		i := taskIndex(s, d.TaskID)
		if i < 0 {
			return fmt.Errorf("%w: rerun from unknown task %s", ErrCorrupt, d.TaskID)
		}
		if d.ResumeChild {
			i++ // the row stays, waiting for its rerun child
		}
		// A new slice: the dropped rows must not show through a later append.
		s.Tasks = append([]*Task(nil), s.Tasks[:i]...)
		s.Output = nil
		s.Generation++
		replaceIdentity(s, d.Input, d.CorrelationID)
		if d.ResumeChild {
			return reopenTasks(s, []string{d.TaskID}, e.Time)
		}
	}
	return nil
}

// reopenTasks sets ended rows IN_PROGRESS again (a retried JOIN or
// DO_WHILE goes on where it stopped).
func reopenTasks(s *State, ids []string, at int64) error {
	for _, id := range ids {
		t := s.Task(id)
		if t == nil {
			return fmt.Errorf("%w: reopen of unknown task %s", ErrCorrupt, id)
		}
		t.Status, t.Reason, t.EndTime, t.UpdateTime = api.TaskInProgress, "", 0, at
	}
	return nil
}

// replaceIdentity applies a rerun's new input and correlation id, if any.
func replaceIdentity(s *State, input map[string]any, correlationID string) {
	if input != nil {
		s.Input = input
	}
	if correlationID != "" {
		s.CorrelationID = correlationID
	}
}

func taskIndex(s *State, id string) int {
	for i, t := range s.Tasks {
		if t.ID == id {
			return i
		}
	}
	return -1
}
