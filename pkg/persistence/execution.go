package persistence

import (
	"context"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
)

// ExecutionStore holds workflow executions. Commit is the only write path:
// the shard owner is the single writer of every row it names.
type ExecutionStore interface {
	// Commit applies b atomically and durably.
	Commit(ctx context.Context, b *Batch) error

	// State returns the latest snapshot of a workflow's mutable state. It
	// may lag the history: the events after its LastEventID complete it.
	State(ctx context.Context, workflowID string) ([]byte, error)
	// Events returns a workflow's events with ID > after, in ID order.
	Events(ctx context.Context, workflowID string, after int64) ([]events.Event, error)
	// Def returns a definition snapshot stored by hash.
	Def(ctx context.Context, hash string) ([]byte, error)
	// TaskWorkflow returns the workflow that owns a task id.
	TaskWorkflow(ctx context.Context, taskID string) (string, error)
	// TaskLogs returns the log lines attached to a task, oldest first.
	TaskLogs(ctx context.Context, taskID string) ([]api.TaskExecLog, error)

	// Dispatches returns the pending dispatch rows of a shard.
	Dispatches(ctx context.Context, shard int) ([]api.Dispatch, error)
	// Messages returns the messages a shard's EVENT tasks published to
	// conductor queues that the event handlers have not handled yet.
	Messages(ctx context.Context, shard int) ([]api.EventMessage, error)
	// Timers returns the timer rows of a shard, earliest first.
	Timers(ctx context.Context, shard int) ([]Timer, error)
	// Visibility returns up to limit rows of a shard's visibility outbox
	// (all when limit is 0), in key order.
	Visibility(ctx context.Context, shard, limit int) ([]VisibilityRow, error)
	// DeleteVisibility removes rows of a shard's visibility outbox the
	// indexer has applied. It is the only write outside Commit, and never
	// races one: a row's key is new when Commit writes it. Not synced: a
	// deletion lost in a crash means the row is applied again, harmlessly.
	DeleteVisibility(ctx context.Context, shard int, rows []VisibilityRow) error

	// WorkflowIDs returns up to limit ids of stored workflows, in id
	// order, after after ("" from the first): reindexing walks them.
	WorkflowIDs(ctx context.Context, after string, limit int) ([]string, error)

	// Correlated returns ids of workflows of a name with a correlation id.
	Correlated(ctx context.Context, name, correlationID string) ([]string, error)
	// Running returns ids of non-terminal workflows of a name and version.
	Running(ctx context.Context, name string, version int) ([]string, error)
}

// Batch is everything one shard round decided. Rows are keyed so that
// applying the same batch twice leaves the same result.
type Batch struct {
	Shard     int
	Workflows []WorkflowWrite
	// Defs are definition snapshots by hash; writing one again is harmless.
	Defs []DefWrite

	PutDispatches []api.Dispatch
	DelDispatches []string // task ids

	// PutMessages are messages published to conductor queues, kept until
	// handled; DelMessages names handled ones.
	PutMessages []api.EventMessage
	DelMessages []string // message ids

	PutTimers []Timer
	DelTimers []Timer

	PutTaskIndex []TaskIndex
	DelTaskIndex []string // task ids

	PutCorrelation []WorkflowIndex
	DelCorrelation []WorkflowIndex
	PutRunning     []WorkflowIndex
	DelRunning     []WorkflowIndex

	// PutVisibility are visibility outbox rows: the summaries the round
	// changed, kept until the indexer has applied them.
	PutVisibility []VisibilityRow

	TaskLogs []api.TaskExecLog
	// DelTaskLogs removes every log line of these task ids.
	DelTaskLogs []string
}

// WorkflowWrite appends events to one workflow and, when Snapshot is not
// nil, replaces its snapshot. Delete removes the workflow's events and
// snapshot instead.
type WorkflowWrite struct {
	WorkflowID string
	Events     []events.Event
	Snapshot   []byte
	Delete     bool
}

// DefWrite stores a definition snapshot under its content hash.
type DefWrite struct {
	Hash string
	Data []byte
}

// Timer asks the shard owner to wake a workflow at At (epoch ms).
type Timer struct {
	At         int64
	WorkflowID string
}

// TaskIndex maps a task id to its workflow.
type TaskIndex struct {
	TaskID     string
	WorkflowID string
}

// WorkflowIndex is one entry of the correlation or running index. Key is the
// correlation id for the correlation index and unused for the running index.
type WorkflowIndex struct {
	Name       string
	Version    int
	Key        string
	WorkflowID string
}

// VisibilityRow is one workflow's changed summaries from one round, in
// its shard's visibility outbox until the indexer has applied them. Keyed
// by workflow id and Version, so a later round adds a row beside it.
type VisibilityRow struct {
	WorkflowID string
	// Version is the workflow's LastEventID when the row was made.
	Version int64
	// Data is the writer's encoding of the summaries.
	Data []byte
}
