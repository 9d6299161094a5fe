package history

import (
	"context"

	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/persistence"
)

// loadState reads a workflow's committed state (persistence.LoadState:
// its snapshot with the events since folded on, fewer than
// decider.SnapshotEvery or as many as it has rows) and sets its definition.
func (s *Service) loadState(ctx context.Context, workflowID string) (*decider.State, error) {
	st, err := persistence.LoadState(ctx, s.opts.Exec, workflowID)
	if err != nil {
		return nil, err
	}
	if st.Def, err = s.defs.snapshot(ctx, st.DefHash); err != nil {
		return nil, err
	}
	return st, nil
}
