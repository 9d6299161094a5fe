package decider

import (
	"fmt"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
)

// resetCallbacks is the operator's resetcallbacks: every SCHEDULED task
// that waits to be offered (callbackAfterSeconds, startDelay, a retry
// delay) is offered at once, its callbackAfterSeconds zeroed.
func (dc *decision) resetCallbacks() error {
	if !dc.live() {
		return fmt.Errorf("%w: workflow %s is %s", ErrConflict, dc.s.WorkflowID, dc.s.Status)
	}
	for _, t := range dc.s.Tasks {
		if t.Status != api.TaskScheduled || t.DispatchAt <= dc.now || dc.system(t) {
			continue
		}
		dc.emit(events.Event{Type: events.TaskUpdated, Ref: t.Ref, TaskUpdated: &events.TaskUpdatedData{
			TaskID: t.ID, Status: api.TaskScheduled,
		}})
		dc.dispatch(t)
	}
	return nil
}
