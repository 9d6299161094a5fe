package history

import (
	"context"

	"github.com/legatohq/legato/pkg/api"
)

// Matching is what history needs from the matching service: offering task
// attempts to pollers, withdrawing offers that ended before any poll, and
// releasing polled tasks that are no longer IN_PROGRESS, for the
// concurrentExecLimit, and, at Start, counting the tasks a previous
// process handed out that are still IN_PROGRESS (Occupy; none may block
// on pollers). Matching reports when workers poll domain queues through
// Service.QueuePolled.
type Matching interface {
	Dispatch(ctx context.Context, ds []api.Dispatch)
	Withdraw(ctx context.Context, ds []api.Dispatch)
	Release(ctx context.Context, ds []api.Dispatch)
	Occupy(ctx context.Context, ds []api.Dispatch)
}

// VisibilitySink is the read side's indexer: Written tells it that a
// committed round added rows to a shard's visibility outbox
// (persistence.Batch.PutVisibility), which it reads from the store, applies
// and deletes. Written must not block.
type VisibilitySink interface {
	Written(shard int)
}

// EventSink takes the messages EVENT tasks published to conductor queues.
// Each is stored by the round that started its task and handed over once
// that round is committed, then again every time history starts, until
// the sink calls handled with its id: delivery is at least once, and a
// crash loses nothing. Publish is called by a shard's goroutine (and by
// Start): it must not block, and must copy what it keeps of the payloads
// (they are the tasks' output in the shard's state). handled does not
// wait for the row's deletion, but may wait for room in the shard's
// mailbox: call it from any goroutine but Publish's.
type EventSink interface {
	Publish(msgs []api.EventMessage, handled func(id string))
}
