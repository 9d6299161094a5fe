package history

import (
	"context"
	"time"

	"github.com/legatohq/legato/pkg/api"
)

// Matching is what history needs from the matching service: offering task
// attempts to pollers, withdrawing offers that ended before any poll, and
// releasing polled tasks that are no longer IN_PROGRESS, for the
// concurrentExecLimit (none may block on pollers); and polling the
// engine's own queues for async system tasks.
type Matching interface {
	Dispatch(ctx context.Context, ds []api.Dispatch)
	Withdraw(ctx context.Context, ds []api.Dispatch)
	Release(ctx context.Context, ds []api.Dispatch)
	Poll(ctx context.Context, taskType, domain, workerID string, count int, timeout time.Duration) ([]*api.Task, error)
}

// EventSink takes the messages EVENT tasks published to conductor queues,
// after the round that started those tasks is committed. Publish is called
// by a shard's goroutine: it must not block, and must copy what it keeps of
// the payloads (they are the tasks' output in the shard's state). Delivery
// is from memory, so a crash between the commit and the handling of a
// message loses it.
type EventSink interface {
	Publish(msgs []api.EventMessage)
}
