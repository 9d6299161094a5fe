package persistencetest

import (
	"errors"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/persistence"
)

// rowKeys names the rows a view reads: one of each kind.
type rowKeys struct {
	WorkflowID string
	Hash       string
	TaskID     string
	Shard      int
	Name       string
	Version    int
	Correlated string
}

// view is everything the ExecutionStore readers return for one rowKeys.
// Absent point rows are zero; empty lists are nil.
type view struct {
	State        []byte
	Events       []events.Event
	Def          []byte
	TaskWorkflow string
	TaskLogs     []api.TaskExecLog
	Dispatches   []api.Dispatch // by task id
	Messages     []api.EventMessage
	Timers       []persistence.Timer
	Correlated   []string // sorted
	Running      []string // sorted
}

// readView calls every reader for k. It fails the test on any error other
// than ErrNotFound from a point read.
func readView(t *testing.T, s persistence.ExecutionStore, k rowKeys) view {
	t.Helper()
	ctx := t.Context()
	var v view
	var err error
	check := func(what string, err error) {
		t.Helper()
		if err != nil && !errors.Is(err, persistence.ErrNotFound) {
			t.Fatalf("%s: %v", what, err)
		}
	}

	v.State, err = s.State(ctx, k.WorkflowID)
	check("State", err)
	v.Events, err = s.Events(ctx, k.WorkflowID, 0)
	check("Events", err)
	v.Def, err = s.Def(ctx, k.Hash)
	check("Def", err)
	v.TaskWorkflow, err = s.TaskWorkflow(ctx, k.TaskID)
	check("TaskWorkflow", err)
	v.TaskLogs, err = s.TaskLogs(ctx, k.TaskID)
	check("TaskLogs", err)
	v.Dispatches, err = s.Dispatches(ctx, k.Shard)
	check("Dispatches", err)
	v.Messages, err = s.Messages(ctx, k.Shard)
	check("Messages", err)
	v.Timers, err = s.Timers(ctx, k.Shard)
	check("Timers", err)
	v.Correlated, err = s.Correlated(ctx, k.Name, k.Correlated)
	check("Correlated", err)
	v.Running, err = s.Running(ctx, k.Name, k.Version)
	check("Running", err)

	v.Dispatches = sortDispatches(v.Dispatches)
	v.Correlated = sortedIDs(v.Correlated)
	v.Running = sortedIDs(v.Running)
	v.State = nilIfEmpty(v.State)
	v.Events = nilIfEmpty(v.Events)
	v.Def = nilIfEmpty(v.Def)
	v.TaskLogs = nilIfEmpty(v.TaskLogs)
	v.Dispatches = nilIfEmpty(v.Dispatches)
	v.Messages = nilIfEmpty(v.Messages)
	v.Timers = nilIfEmpty(v.Timers)
	v.Correlated = nilIfEmpty(v.Correlated)
	v.Running = nilIfEmpty(v.Running)
	return v
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}
