package decider

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/workflow"
)

// Apply folds one event into s. It is the only code that changes a State,
// so replaying a history with Apply rebuilds exactly what Decide built.
func Apply(s *State, e *events.Event) error {
	if e.ID != s.LastEventID+1 {
		return fmt.Errorf("%w: event %d follows %d", ErrCorrupt, e.ID, s.LastEventID)
	}
	s.LastEventID = e.ID
	s.UpdateTime = e.Time
	switch e.Type {
	case events.WorkflowStarted:
		d := e.WorkflowStarted
		s.WorkflowID, s.Name, s.Version, s.DefHash = d.WorkflowID, d.Name, d.Version, d.DefHash
		s.Status = api.WorkflowRunning
		s.Input, s.Variables = d.Input, d.Variables
		s.CorrelationID, s.Priority, s.TaskToDomain = d.CorrelationID, d.Priority, d.TaskToDomain
		s.CreatedBy, s.IdempotencyKey = d.CreatedBy, d.IdempotencyKey
		s.ParentWorkflowID, s.ParentWorkflowTaskID = d.ParentWorkflowID, d.ParentWorkflowTaskID
		s.CreateTime = e.Time
		s.TimeoutSeconds = d.TimeoutSeconds
	case events.TaskScheduled:
		d := e.TaskScheduled
		_, iteration := workflow.SplitIteration(e.Ref)
		if d.RetriedTaskID != "" {
			if old := s.Task(d.RetriedTaskID); old != nil {
				old.Retried = true
			}
		}
		t := &Task{
			ID: d.TaskID, Ref: e.Ref, Type: d.TaskType, DefName: d.TaskDefName, Seq: d.Seq,
			Status: api.TaskScheduled, Input: d.Input, RetryCount: d.RetryCount,
			RetriedTaskID: d.RetriedTaskID, ScheduledTime: e.Time, UpdateTime: e.Time,
			Domain: d.Domain, ResponseTimeoutSeconds: d.ResponseTimeoutSeconds,
			StartDelaySeconds: d.StartDelaySeconds, DispatchAt: d.DispatchAt,
			TimeoutSeconds: d.TimeoutSeconds, PollTimeoutSeconds: d.PollTimeoutSeconds,
			Iteration: iteration,
		}
		s.Tasks = append(s.Tasks, t)
		if s.ix != nil {
			s.ix.added(t)
		}
	case events.TaskStarted:
		t := s.Task(e.TaskStarted.TaskID) // builds the index
		if t == nil {
			return fmt.Errorf("%w: start of unknown task %s", ErrCorrupt, e.TaskStarted.TaskID)
		}
		before := t.Status
		t.Status = api.TaskInProgress
		t.WorkerID = e.TaskStarted.WorkerID
		t.PollCount++
		t.StartTime = e.Time
		if t.FirstStartTime == 0 {
			t.FirstStartTime = e.Time
		}
		t.CallbackAfterSeconds = 0
		t.UpdateTime = e.Time
		s.ix.updated(t, before)
	case events.TaskUpdated:
		d := e.TaskUpdated
		t := s.Task(d.TaskID) // builds the index
		if t == nil {
			return fmt.Errorf("%w: update of unknown task %s", ErrCorrupt, d.TaskID)
		}
		before := t.Status
		t.Status = d.Status
		// An empty output is not encoded (omitempty), so it leaves the
		// output as it is, live as in replay.
		if len(d.Output) > 0 {
			t.Output = d.Output
			if t.Type == workflow.TaskTypeDoWhile {
				if n, ok := IntOf(d.Output["iteration"]); ok {
					t.Iteration = n
				}
			}
		}
		if d.Reason != "" {
			t.Reason = d.Reason
		}
		if d.WorkerID != "" {
			t.WorkerID = d.WorkerID
		}
		t.CallbackAfterSeconds = d.CallbackAfterSeconds
		t.DispatchAt = d.DispatchAt
		t.WaitUntil = d.WaitUntil
		t.Awaiting = d.Status == api.TaskInProgress && awaitsUpdate(t.Type)
		t.UpdateTime = e.Time
		if d.Started && t.StartTime == 0 {
			t.StartTime = e.Time
			if t.FirstStartTime == 0 {
				t.FirstStartTime = e.Time
			}
		}
		if api.TaskTerminal(d.Status) {
			t.EndTime = e.Time
			if s.Status == api.WorkflowPaused {
				s.Deferred = append(s.Deferred, t.ID)
			}
		}
		if d.Variables != nil {
			// A new map: the old one may be shared with an earlier event's
			// payload, which must never change.
			vars := make(map[string]any, len(s.Variables)+len(d.Variables))
			for k, v := range s.Variables {
				vars[k] = v
			}
			for k, v := range d.Variables {
				vars[k] = v
			}
			s.Variables = vars
		}
		s.ix.updated(t, before)
	case events.WorkflowEnded:
		d := e.WorkflowEnded
		s.Status = d.Status
		s.Output = d.Output
		s.Reason = d.Reason
		s.FailedRefs, s.FailedTaskNames = d.FailedRefs, d.FailedTaskNames
		s.EndTime = e.Time
		s.Deferred = nil
		if f := d.FailureWorkflow; f != nil {
			s.FailureWorkflow = &FailureWorkflow{ID: f.ID, Name: f.Name, Version: f.Version, Pending: true,
				RetryAt: e.Time + failureWorkflowRetry}
		}
	case events.FailureWorkflowUpdated:
		return applyFailureWorkflow(s, e)
	case events.TasksRemoved:
		drop := make(map[string]bool, len(e.TasksRemoved.TaskIDs))
		for _, id := range e.TasksRemoved.TaskIDs {
			drop[id] = true
		}
		kept := make([]*Task, 0, len(s.Tasks))
		for _, t := range s.Tasks {
			if !drop[t.ID] {
				kept = append(kept, t)
			}
		}
		if len(kept)+len(drop) != len(s.Tasks) {
			return fmt.Errorf("%w: removal of unknown tasks", ErrCorrupt)
		}
		s.Tasks = kept
		s.Removed += len(drop)
		s.ix = nil // rows went: rebuilt on next use
	case events.WorkflowPaused:
		if s.Status != api.WorkflowRunning {
			return fmt.Errorf("%w: pause of a %s workflow", ErrCorrupt, s.Status)
		}
		s.Status = api.WorkflowPaused
	case events.WorkflowResumed:
		if s.Status != api.WorkflowPaused {
			return fmt.Errorf("%w: resume of a %s workflow", ErrCorrupt, s.Status)
		}
		s.Status = api.WorkflowRunning
		s.Deferred = nil
		s.LastRetriedTime = e.Time
	case events.WorkflowRetried, events.WorkflowRestarted, events.WorkflowRerun:
		err := applyReopened(s, e) // reopen.go
		s.ix = nil                 // rows went or reopened: rebuilt on next use
		return err
	default:
		return fmt.Errorf("%w: unknown event type %q", ErrCorrupt, e.Type)
	}
	return nil
}

// Replay rebuilds a state from a whole history.
func Replay(history []events.Event) (*State, error) {
	s := &State{}
	for i := range history {
		if err := Apply(s, &history[i]); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// IntOf reads a whole number from a JSON value: an int from Decide, a
// float64 once the event or task input has been through JSON, a
// json.Number from a decoder that keeps numbers.
func IntOf(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case int64:
		return int(x), true
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<31 {
			return int(x), true
		}
	case json.Number:
		if n, err := x.Int64(); err == nil && n > -1<<31 && n < 1<<31 {
			return int(n), true
		}
	}
	return 0, false
}
