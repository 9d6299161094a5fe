package history

import (
	"context"

	"github.com/legatohq/legato/pkg/api"
)

// Matching is what history needs from the matching service: offering task
// attempts to pollers, and withdrawing offers that ended before any poll.
// Neither may block on pollers.
type Matching interface {
	Dispatch(ctx context.Context, ds []api.Dispatch)
	Withdraw(ctx context.Context, ds []api.Dispatch)
}
