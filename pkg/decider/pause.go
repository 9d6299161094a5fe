package decider

import (
	"fmt"
	"slices"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
)

// The operator's pause and resume (events WorkflowPaused and
// WorkflowResumed, without payload).
//
// While PAUSED, open tasks may still be polled and updated, but nothing new
// is scheduled and no deadline fires: Apply records each task that ends
// meanwhile in State.Deferred, and resume runs afterTerminal for them in
// order, scheduling what they would have scheduled.

func (dc *decision) pause() error {
	switch dc.s.Status {
	case api.WorkflowRunning:
	case api.WorkflowPaused:
		return nil // upstream: pausing a paused workflow is a no-op
	default:
		return fmt.Errorf("%w: workflow %s is %s and cannot be paused", ErrConflict, dc.s.WorkflowID, dc.s.Status)
	}
	dc.emit(events.Event{Type: events.WorkflowPaused})
	return nil
}

func (dc *decision) resume() error {
	if dc.s.Status != api.WorkflowPaused {
		return fmt.Errorf("%w: workflow %s is %s, not PAUSED", ErrConflict, dc.s.WorkflowID, dc.s.Status)
	}
	deferred := slices.Clone(dc.s.Deferred)
	dc.emit(events.Event{Type: events.WorkflowResumed})
	for _, id := range deferred {
		if !dc.running() {
			return nil
		}
		if t := dc.s.Task(id); t != nil && api.TaskTerminal(t.Status) && !t.Retried {
			dc.afterTerminal(t)
		}
	}
	return nil
}
