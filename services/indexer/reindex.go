package indexer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/persistence"
	"github.com/legatohq/legato/pkg/visibility"
)

// History is what a reindex reads: every stored workflow's snapshot and
// events (persistence.ExecutionStore has it).
type History interface {
	persistence.StateReader
	WorkflowIDs(ctx context.Context, after string, limit int) ([]string, error)
}

// Reindex rebuilds the read model from the event store: each workflow's
// summary and all its tasks' summaries, built from its state (snapshot and
// the events after it), applied batch workflows at a time. It is
// idempotent — the store keeps the newest version of each summary — so it
// may be run again, or beside an indexer. progress is called after each
// batch with the workflows done so far.
func Reindex(ctx context.Context, h History, store visibility.Store, shards, batch int, progress func(done int)) (int, error) {
	done, after := 0, ""
	for {
		ids, err := h.WorkflowIDs(ctx, after, batch)
		if err != nil {
			return done, err
		}
		if len(ids) == 0 {
			return done, nil
		}
		var b visibility.Batch
		for _, id := range ids {
			st, err := persistence.LoadState(ctx, h, id)
			if errors.Is(err, persistence.ErrNotFound) {
				continue // removed meanwhile
			}
			if err != nil {
				return done, fmt.Errorf("indexer: reindex %s: %w", id, err)
			}
			v := decider.Visibility{Workflow: true, Tasks: make([]string, len(st.Tasks))}
			for i, t := range st.Tasks {
				v.Tasks[i] = t.ID
			}
			w, tasks := decider.Summaries(st, v, persistence.ShardOf(id, shards))
			b.Add(&visibility.Record{Workflow: w, Tasks: tasks})
		}
		if err := store.Apply(ctx, &b); err != nil {
			return done, fmt.Errorf("indexer: reindex: %w", err)
		}
		done += len(ids)
		after = ids[len(ids)-1]
		if progress != nil {
			progress(done)
		}
	}
}

// Rate formats a reindex's progress: workflows done and per second.
func Rate(done int, since time.Time) string {
	secs := time.Since(since).Seconds()
	if secs <= 0 {
		return fmt.Sprintf("%d workflows", done)
	}
	return fmt.Sprintf("%d workflows, %.0f/s", done, float64(done)/secs)
}
