package history

import (
	"context"
	"errors"

	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/persistence"
)

// loadState reads a workflow's committed state: its snapshot, with the
// events written since folded on (fewer than decider.SnapshotEvery, or all
// of them while there is no snapshot), and State.SnapshotAt set to the
// snapshot's LastEventID (0 without one).
func (s *Service) loadState(ctx context.Context, workflowID string) (*decider.State, error) {
	st := &decider.State{}
	data, err := s.opts.Exec.State(ctx, workflowID)
	switch {
	case errors.Is(err, persistence.ErrNotFound):
	case err != nil:
		return nil, err
	default:
		if st, err = decider.Decode(data); err != nil {
			return nil, err
		}
	}
	st.SnapshotAt = st.LastEventID
	tail, err := s.opts.Exec.Events(ctx, workflowID, st.SnapshotAt)
	if err != nil {
		return nil, err
	}
	if st.LastEventID == 0 && len(tail) == 0 {
		return nil, persistence.ErrNotFound
	}
	for i := range tail {
		if err := decider.Apply(st, &tail[i]); err != nil {
			return nil, err
		}
	}
	if st.Def, err = s.defs.snapshot(ctx, st.DefHash); err != nil {
		return nil, err
	}
	return st, nil
}
