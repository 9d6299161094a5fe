package history

import (
	"context"

	"github.com/legatohq/legato/pkg/decider"
)

// snapshotEvery bounds how many events a stored snapshot may lag behind
// the history. Snapshots are written when a workflow starts, when it ends
// and after this many events; in between, commits carry only events. That
// keeps most commits small (a snapshot re-encodes the whole state), while
// a reader folds at most this many events onto the snapshot.
const snapshotEvery = 16

// loadState reads a workflow's committed state: its snapshot, with the
// events written since folded on. snapAt is the snapshot's LastEventID.
func (s *Service) loadState(ctx context.Context, workflowID string) (st *decider.State, snapAt int64, err error) {
	data, err := s.opts.Exec.State(ctx, workflowID)
	if err != nil {
		return nil, 0, err
	}
	if st, err = decider.Decode(data); err != nil {
		return nil, 0, err
	}
	snapAt = st.LastEventID
	tail, err := s.opts.Exec.Events(ctx, workflowID, snapAt)
	if err != nil {
		return nil, 0, err
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
	return snapAt == 0 || st.EndTime != 0 || st.LastEventID-snapAt >= snapshotEvery
}
