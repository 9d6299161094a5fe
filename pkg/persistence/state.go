package persistence

import (
	"context"
	"errors"

	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/events"
)

// StateReader is what folding a workflow's state needs from an
// ExecutionStore.
type StateReader interface {
	State(ctx context.Context, workflowID string) ([]byte, error)
	Events(ctx context.Context, workflowID string, after int64) ([]events.Event, error)
}

// LoadState reads a workflow's committed state: its snapshot, if any, with
// the events written since folded on, and State.SnapshotAt set to the
// snapshot's LastEventID (0 without one). The caller sets State.Def. A
// workflow with neither is ErrNotFound.
func LoadState(ctx context.Context, r StateReader, workflowID string) (*decider.State, error) {
	st := &decider.State{}
	data, err := r.State(ctx, workflowID)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return nil, err
	default:
		if st, err = decider.Decode(data); err != nil {
			return nil, err
		}
	}
	st.SnapshotAt = st.LastEventID
	tail, err := r.Events(ctx, workflowID, st.SnapshotAt)
	if err != nil {
		return nil, err
	}
	if st.LastEventID == 0 && len(tail) == 0 {
		return nil, ErrNotFound
	}
	for i := range tail {
		if err := decider.Apply(st, &tail[i]); err != nil {
			return nil, err
		}
	}
	return st, nil
}
