package history

import (
	"context"
	"time"

	"github.com/legatohq/legato/pkg/api"
)

// Matching is what history needs from the matching service: offering task
// attempts to pollers, and withdrawing offers that ended before any poll
// (neither may block on pollers); and polling the engine's own queues for
// async system tasks.
type Matching interface {
	Dispatch(ctx context.Context, ds []api.Dispatch)
	Withdraw(ctx context.Context, ds []api.Dispatch)
	Poll(ctx context.Context, taskType, domain, workerID string, count int, timeout time.Duration) ([]*api.Task, error)
}
