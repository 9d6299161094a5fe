package history

import (
	"context"

	"github.com/legatohq/legato/pkg/api"
)

// Matching is what history needs from the matching service: offering task
// attempts to pollers. It must not block on pollers.
type Matching interface {
	Dispatch(ctx context.Context, ds []api.Dispatch)
}
