package indexer

import (
	"context"
	"log/slog"

	"github.com/legatohq/legato/pkg/persistence"
	"github.com/legatohq/legato/pkg/visibility"
)

// Sink is where the indexer sends the outbox rows it read. Write returns
// nil only once the rows are durable where they go: the indexer deletes
// them from the outbox after it, and keeps them for a retry on an error.
// Write may be given rows it was given before (a retry, a crash between
// Write and the delete) and rows of one workflow out of version order;
// what consumes them keeps the newest version of each summary.
type Sink interface {
	Write(ctx context.Context, rows []persistence.VisibilityRow) error
}

// StoreSink applies rows straight to a visibility.Store: the embedded
// read side, one store transaction per Write.
type StoreSink struct {
	store visibility.Store
	log   *slog.Logger
}

var _ Sink = (*StoreSink)(nil)

// NewStoreSink returns a Sink applying to store; a nil log means
// slog.Default.
func NewStoreSink(store visibility.Store, log *slog.Logger) *StoreSink {
	if log == nil {
		log = slog.Default()
	}
	return &StoreSink{store: store, log: log}
}

// Write decodes rows and applies them in one store transaction. An
// undecodable row is logged and dropped: applying it again cannot help.
func (s *StoreSink) Write(ctx context.Context, rows []persistence.VisibilityRow) error {
	var b visibility.Batch
	for _, r := range rows {
		rec, err := visibility.DecodeRecord(r.Data)
		if err != nil {
			s.log.Error("indexer: dropping an undecodable visibility row", "workflow_id", r.WorkflowID, "version", r.Version, "err", err)
			continue
		}
		b.Add(rec)
	}
	return s.store.Apply(ctx, &b)
}
