package history

import (
	"context"
	"errors"

	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/persistence"
)

// snapshotEvery bounds how many events a stored snapshot may lag behind
// the history: a snapshot is written once this many events have come
// since the last one, and otherwise commits carry only events. That keeps
// commits small (a snapshot re-encodes the whole state, about as many
// bytes as all the events so far), while a reader folds at most this many
// events onto the snapshot, or from the first event while there is none:
// a short workflow writes no snapshot at all.
const snapshotEvery = 16

// loadState reads a workflow's committed state: its snapshot, with the
// events written since folded on. snapAt is the snapshot's LastEventID
// (0 without a snapshot).
func (s *Service) loadState(ctx context.Context, workflowID string) (st *decider.State, snapAt int64, err error) {
	data, err := s.opts.Exec.State(ctx, workflowID)
	switch {
	case errors.Is(err, persistence.ErrNotFound):
		st = &decider.State{}
	case err != nil:
		return nil, 0, err
	default:
		if st, err = decider.Decode(data); err != nil {
			return nil, 0, err
		}
	}
	snapAt = st.LastEventID
	tail, err := s.opts.Exec.Events(ctx, workflowID, snapAt)
	if err != nil {
		return nil, 0, err
	}
	if st.LastEventID == 0 && len(tail) == 0 {
		return nil, 0, persistence.ErrNotFound
	}
	for i := range tail {
		if err := decider.Apply(st, &tail[i]); err != nil {
			return nil, 0, err
		}
	}
	if st.Def, err = s.defs.snapshot(ctx, st.DefHash); err != nil {
		return nil, 0, err
	}
	return st, snapAt, nil
}

// needsSnapshot decides whether a commit stores the state's snapshot.
func needsSnapshot(st *decider.State, snapAt int64) bool {
	return st.LastEventID-snapAt >= snapshotEvery
}
