package decider

import (
	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
)

// Result is everything one Decide asks of its caller, as etcd raft's Ready
// is: the caller applies it mechanically and never reads the events again.
//
// Ordering, the caller's duties:
//  1. Write every field of "Persist" in ONE atomic batch with the other
//     Results of the round. Within a round, a later Result for the same
//     row wins (an outbox put after a delete, a timer after a timer), and
//     an index put cancels an earlier delete of the same entry.
//  2. Only after that batch is durable, carry out "Send" and return Reply.
//     If the batch fails, drop the whole round: nothing is sent or
//     replied, and the state Decide changed is discarded.
//
// A Decide that returns an error returns no Result worth applying.
type Result struct {
	// ----- Persist -----

	// Events are the workflow's new events, in order, to append to its
	// history. Decide has already folded them into the state.
	Events []events.Event
	// Snapshot says the state after the round is to be stored as the new
	// snapshot (State.SnapshotAt lags LastEventID by SnapshotEvery or more).
	Snapshot bool
	// Delete removes the workflow: its events, snapshot and timer. Index
	// lists every row that pointed at it; nothing else of it is written.
	Delete bool
	// Dispatch are outbox rows to put: task attempts to offer to pollers.
	// After the commit they are also sent to matching (Send).
	Dispatch []api.Dispatch
	// Undispatch are task ids whose outbox rows to delete.
	Undispatch []string
	// Timer is the workflow's next wake-up (epoch ms) after this Decide,
	// 0 for none: its Deadline, or its removal by retention once ended.
	// It replaces the workflow's stored timer row.
	Timer int64
	// Index are the changes to the lookup indexes.
	Index Index
	// Messages are what EVENT tasks published to conductor queues: stored
	// with the round, handed to the event handlers after the commit, and
	// deleted once they are handled.
	Messages []api.EventMessage
	// Visibility says which summaries changed, for the read side: the
	// caller writes them, built from the state it commits, to the
	// visibility outbox with the round (visibility.go).
	Visibility Visibility

	// ----- Send, after the commit -----

	// Withdraw names queued tasks that ended before any worker polled
	// them (their outbox rows are in Undispatch).
	Withdraw []api.Dispatch
	// Release names polled tasks that stopped being IN_PROGRESS (ended, or
	// back to SCHEDULED to be offered again): matching counts a task
	// type's running tasks for its concurrentExecLimit.
	Release []api.Dispatch
	// Notes are news for other workflows.
	Notes Notes

	// ----- Reply, after the commit -----

	// Reply is what the caller of this Decide gets back.
	Reply Reply
}

// Index is a Result's changes to the lookup indexes. A batch applies
// deletions after puts.
type Index struct {
	// PutCorrelation and DelCorrelation are (name, version, correlation
	// id) → workflow entries.
	PutCorrelation []CorrelationEntry
	DelCorrelation []CorrelationEntry
	// Running and NotRunning add the workflow to, and take it from, the
	// index of workflows that have not ended (by name and version).
	Running    bool
	NotRunning bool
	// PutTasks are new task rows: task id → workflow.
	PutTasks []string
	// DropTasks are task rows gone for good (keepLastN, restart, rerun,
	// removal): their task → workflow entries and logs are deleted.
	DropTasks []string
}

// CorrelationEntry is one correlation index entry of the workflow.
type CorrelationEntry struct {
	Name          string
	Version       int
	CorrelationID string
}

// Notes are a Result's news for other workflows, delivered after the
// commit by the caller, each at least once per round that produced it.
type Notes struct {
	// ChildEnded is this workflow's end, as the result of its parent's
	// SUB_WORKFLOW task.
	ChildEnded *api.TaskResult
	// TerminateChildren are started children of SUB_WORKFLOW tasks this
	// Decide cancelled.
	TerminateChildren []ChildTermination
	// StartFailureWorkflow asks for the pending failure workflow
	// (State.FailureWorkflow) to be started and its start recorded.
	StartFailureWorkflow bool
}

// ChildTermination asks for a child workflow to be terminated.
type ChildTermination struct {
	WorkflowID string
	Reason     string
}

// Reply is what Decide answers its caller, kept apart from what is
// written.
type Reply struct {
	// Task is the started task as the poller must see it (TaskStarted).
	Task *api.Task
	// TaskID is the task a ResultByRef applied to ("" when none was open).
	TaskID string
	// Queue is the queue of the task a result was reported for.
	Queue api.TaskQueue
}
