package indexer

import (
	"context"

	"github.com/legatohq/legato/pkg/persistence"
)

// Outbox is what the indexer needs from the execution store: reading and
// deleting a shard's visibility outbox rows (persistence.ExecutionStore
// has both).
type Outbox interface {
	Visibility(ctx context.Context, shard, limit int) ([]persistence.VisibilityRow, error)
	DeleteVisibility(ctx context.Context, shard int, rows []persistence.VisibilityRow) error
}
