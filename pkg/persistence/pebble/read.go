package pebble

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	pdb "github.com/cockroachdb/pebble"
	json "github.com/goccy/go-json"
	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/persistence"
)

// State returns the latest snapshot of a workflow's mutable state.
func (s *Store) State(ctx context.Context, workflowID string) ([]byte, error) {
	return s.get(ctx, snapshotKey(nil, workflowID), "state of workflow "+workflowID)
}

// Events returns a workflow's history in ID order; none is not an error.
func (s *Store) Events(ctx context.Context, workflowID string, after int64) ([]events.Event, error) {
	if err := checkField("workflow id", workflowID); err != nil {
		return nil, err
	}
	what := "events of workflow " + workflowID
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("persistence/pebble: %s: %w", what, err)
	}
	prefix := eventPrefix(nil, workflowID)
	it, err := s.db.NewIterWithContext(ctx, &pdb.IterOptions{LowerBound: prefix, UpperBound: prefixEnd(prefix)})
	if err != nil {
		return nil, fmt.Errorf("persistence/pebble: %s: %w", what, err)
	}
	// Each key holds one commit's events from the id in its key. The last
	// key below after+1 may still hold events past after; start there.
	valid := it.SeekLT(eventKey(nil, workflowID, after+1))
	if !valid {
		valid = it.First()
	}
	var out []events.Event
	for ; valid; valid = it.Next() {
		val, err := it.ValueAndErr()
		var evs []events.Event
		if err == nil {
			err = json.Unmarshal(val, &evs)
		}
		if err != nil {
			_ = it.Close() // the first error is the one to report
			return nil, fmt.Errorf("persistence/pebble: %s: %w", what, err)
		}
		for _, e := range evs {
			if e.ID > after {
				out = append(out, e)
			}
		}
	}
	if err := it.Close(); err != nil {
		return nil, fmt.Errorf("persistence/pebble: %s: %w", what, err)
	}
	return out, nil
}

// Def returns a definition snapshot stored by hash.
func (s *Store) Def(ctx context.Context, hash string) ([]byte, error) {
	return s.get(ctx, defKey(nil, hash), "definition "+hash)
}

// TaskWorkflow returns the workflow that owns a task id.
func (s *Store) TaskWorkflow(ctx context.Context, taskID string) (string, error) {
	v, err := s.get(ctx, taskIndexKey(nil, taskID), "workflow of task "+taskID)
	return string(v), err
}

// TaskLogs returns the log lines attached to a task, oldest first.
func (s *Store) TaskLogs(ctx context.Context, taskID string) ([]api.TaskExecLog, error) {
	if err := checkField("task id", taskID); err != nil {
		return nil, err
	}
	var out []api.TaskExecLog
	err := s.scan(ctx, taskLogPrefix(nil, taskID), "logs of task "+taskID, func(_, val []byte) error {
		out = append(out, api.TaskExecLog{})
		return json.Unmarshal(val, &out[len(out)-1])
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Dispatches returns the pending dispatch rows of a shard, by task id.
func (s *Store) Dispatches(ctx context.Context, shard int) ([]api.Dispatch, error) {
	if err := checkShard(shard); err != nil {
		return nil, err
	}
	var out []api.Dispatch
	err := s.scan(ctx, dispatchPrefix(nil, shard), fmt.Sprintf("dispatches of shard %d", shard), func(_, val []byte) error {
		out = append(out, api.Dispatch{})
		return json.Unmarshal(val, &out[len(out)-1])
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Messages returns the unhandled published messages of a shard, by id.
func (s *Store) Messages(ctx context.Context, shard int) ([]api.EventMessage, error) {
	if err := checkShard(shard); err != nil {
		return nil, err
	}
	var out []api.EventMessage
	err := s.scan(ctx, messagePrefix(nil, shard), fmt.Sprintf("messages of shard %d", shard), func(_, val []byte) error {
		out = append(out, api.EventMessage{})
		return json.Unmarshal(val, &out[len(out)-1])
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Visibility returns up to limit rows of a shard's visibility outbox (all
// when limit is 0), in key order.
func (s *Store) Visibility(ctx context.Context, shard, limit int) ([]persistence.VisibilityRow, error) {
	if err := checkShard(shard); err != nil {
		return nil, err
	}
	var out []persistence.VisibilityRow
	err := s.scan(ctx, visibilityPrefix(nil, shard), fmt.Sprintf("visibility outbox of shard %d", shard), func(rest, val []byte) error {
		if limit > 0 && len(out) == limit {
			return errStopScan
		}
		wfID, version, ok := decodeVisibilityKey(rest)
		if !ok {
			return fmt.Errorf("malformed visibility key %x", rest)
		}
		out = append(out, persistence.VisibilityRow{WorkflowID: wfID, Version: version, Data: bytes.Clone(val)})
		return nil
	})
	if err != nil && !errors.Is(err, errStopScan) {
		return nil, err
	}
	return out, nil
}

// DeleteVisibility removes applied rows of a shard's visibility outbox,
// without a sync (persistence.ExecutionStore).
func (s *Store) DeleteVisibility(ctx context.Context, shard int, rows []persistence.VisibilityRow) error {
	if err := checkShard(shard); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("persistence/pebble: delete visibility rows: %w", err)
	}
	wb := s.db.NewBatch()
	defer wb.Close()
	var key []byte
	for _, r := range rows {
		key = visibilityKey(key[:0], shard, r.WorkflowID, r.Version)
		if err := wb.Delete(key, nil); err != nil {
			return fmt.Errorf("persistence/pebble: delete visibility rows: %w", err)
		}
	}
	if err := wb.Commit(pdb.NoSync); err != nil {
		return fmt.Errorf("persistence/pebble: delete visibility rows: %w", err)
	}
	return nil
}

// WorkflowIDs returns up to limit ids of stored workflows, in id order,
// after after: every workflow has events, so it walks the event table,
// seeking past each workflow's events to the next.
func (s *Store) WorkflowIDs(ctx context.Context, after string, limit int) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("persistence/pebble: workflow ids: %w", err)
	}
	lower := []byte(prefixEvent)
	it, err := s.db.NewIterWithContext(ctx, &pdb.IterOptions{LowerBound: lower, UpperBound: prefixEnd(lower)})
	if err != nil {
		return nil, fmt.Errorf("persistence/pebble: workflow ids: %w", err)
	}
	start := lower
	if after != "" {
		start = prefixEnd(eventPrefix(nil, after))
	}
	var out []string
	for valid := it.SeekGE(start); valid && len(out) < limit; {
		rest := it.Key()[len(lower):]
		i := bytes.IndexByte(rest, sep)
		if i < 0 {
			_ = it.Close()
			return nil, fmt.Errorf("persistence/pebble: workflow ids: malformed event key %x", it.Key())
		}
		id := string(rest[:i])
		out = append(out, id)
		valid = it.SeekGE(prefixEnd(eventPrefix(nil, id)))
	}
	if err := it.Close(); err != nil {
		return nil, fmt.Errorf("persistence/pebble: workflow ids: %w", err)
	}
	return out, nil
}

// errStopScan ends a scan early without an error.
var errStopScan = errors.New("stop scan")

// Timers returns the timer rows of a shard, earliest first (ties by
// workflow id).
func (s *Store) Timers(ctx context.Context, shard int) ([]persistence.Timer, error) {
	if err := checkShard(shard); err != nil {
		return nil, err
	}
	var out []persistence.Timer
	err := s.scan(ctx, timerPrefix(nil, shard), fmt.Sprintf("timers of shard %d", shard), func(rest, _ []byte) error {
		at, wfID, ok := decodeTimerKey(rest)
		if !ok {
			return fmt.Errorf("malformed timer key %x", rest)
		}
		out = append(out, persistence.Timer{At: at, WorkflowID: wfID})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Correlated returns ids of workflows of a name with a correlation id.
func (s *Store) Correlated(ctx context.Context, name, correlationID string) ([]string, error) {
	if err := checkField("workflow name", name); err != nil {
		return nil, err
	}
	if err := checkField("correlation id", correlationID); err != nil {
		return nil, err
	}
	return s.ids(ctx, correlationPrefix(nil, name, correlationID), "workflows of "+name+" correlated by "+correlationID)
}

// Running returns ids of non-terminal workflows of a name and version.
func (s *Store) Running(ctx context.Context, name string, version int) ([]string, error) {
	if err := checkField("workflow name", name); err != nil {
		return nil, err
	}
	if err := checkVersion(version); err != nil {
		return nil, err
	}
	return s.ids(ctx, runningPrefix(nil, name, version), fmt.Sprintf("running workflows of %s v%d", name, version))
}

// ids returns the key suffixes under prefix: the workflow ids of an index.
func (s *Store) ids(ctx context.Context, prefix []byte, what string) ([]string, error) {
	var out []string
	err := s.scan(ctx, prefix, what, func(rest, _ []byte) error {
		out = append(out, string(rest))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
