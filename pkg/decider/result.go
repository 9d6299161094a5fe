package decider

import (
	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
)

// Result is what one Decide produced. The caller commits Events (with the
// outbox rows for Dispatch and Undispatch) in one batch, then performs the
// effects.
type Result struct {
	Events []events.Event
	// Dispatch offers task attempts to pollers.
	Dispatch []api.Dispatch
	// Undispatch deletes the outbox rows of task ids no longer on offer.
	Undispatch []string
	// Withdraw names the tasks of Undispatch that were still queued in
	// matching (finished or cancelled before any worker polled them).
	Withdraw []api.Dispatch
	// Release names polled tasks that stopped being IN_PROGRESS (ended,
	// or back to SCHEDULED to be offered again): matching counts a task
	// type's running tasks for its concurrentExecLimit.
	Release []api.Dispatch
	// Task is the started task as the poller must see it (TaskStarted).
	Task *api.Task
	// TaskID is the task a ResultByRef applied to ("" when none was open).
	TaskID string
	// Queue is the queue of the task a result was reported for.
	Queue api.TaskQueue
}
