package indexer

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/legatohq/legato/pkg/persistence"
)

// Indexer moves history's visibility outbox rows to a Sink.
type Indexer struct {
	opts  Options
	dirty []atomic.Bool // per shard: rows may be waiting
	wake  chan struct{}
	// applied counts the outbox rows applied, for tests and figures.
	applied atomic.Int64
	cancel  context.CancelFunc
	done    sync.WaitGroup
}

// New builds an Indexer; Start runs it.
func New(opts Options) (*Indexer, error) {
	opts.EnsureDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return &Indexer{opts: opts, dirty: make([]atomic.Bool, opts.Shards), wake: make(chan struct{}, 1)}, nil
}

// Written marks a shard's outbox as having new rows (history's
// VisibilitySink). It never blocks.
func (ix *Indexer) Written(shard int) {
	if shard < 0 || shard >= len(ix.dirty) {
		return
	}
	ix.dirty[shard].Store(true)
	select {
	case ix.wake <- struct{}{}:
	default:
	}
}

// Start runs the indexer until Close, applying first whatever the outbox
// holds from before.
func (ix *Indexer) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	ix.cancel = cancel
	for i := range ix.dirty {
		ix.dirty[i].Store(true)
	}
	ix.done.Add(1)
	go func() {
		defer ix.done.Done()
		ix.run(ctx)
	}()
	ix.Written(0) // wake the loop
}

// Close stops the indexer and waits for it. Rows not applied stay in the
// outbox for the next start.
func (ix *Indexer) Close() {
	if ix.cancel != nil {
		ix.cancel()
	}
	ix.done.Wait()
}

// Applied is how many outbox rows the indexer has written to its sink
// and deleted.
func (ix *Indexer) Applied() int64 { return ix.applied.Load() }

func (ix *Indexer) run(ctx context.Context) {
	retry := time.NewTimer(time.Hour)
	retry.Stop()
	defer retry.Stop()
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	defer linger.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ix.wake:
		case <-retry.C:
		}
		linger.Reset(ix.opts.Linger)
		select {
		case <-ctx.Done():
			return
		case <-linger.C:
		}
		for ctx.Err() == nil {
			more, err := ix.pass(ctx)
			if err != nil {
				if ctx.Err() == nil {
					ix.opts.Logger.Error("indexer: writing visibility rows failed; retrying", "err", err, "in", ix.opts.RetryDelay)
					retry.Reset(ix.opts.RetryDelay)
				}
				break
			}
			if !more {
				break
			}
		}
	}
}

// pass writes up to BatchSize rows from the dirty shards to the sink in
// one Write, deletes them from the outbox, and reports whether rows may
// remain. On error the shards it read stay dirty.
func (ix *Indexer) pass(ctx context.Context) (bool, error) {
	var all []persistence.VisibilityRow
	read := map[int][]persistence.VisibilityRow{}
	n, more := 0, false
	for shard := range ix.dirty {
		if n == ix.opts.BatchSize {
			more = true
			break
		}
		if !ix.dirty[shard].Swap(false) {
			continue
		}
		rows, err := ix.opts.Outbox.Visibility(ctx, shard, ix.opts.BatchSize-n)
		if err != nil {
			ix.dirty[shard].Store(true)
			return false, err
		}
		if len(rows) == ix.opts.BatchSize-n {
			ix.dirty[shard].Store(true) // full: there may be more
			more = true
		}
		all = append(all, rows...)
		read[shard] = rows
		n += len(rows)
	}
	if n == 0 {
		return more, nil
	}
	redirty := func() {
		for shard := range read {
			ix.dirty[shard].Store(true)
		}
	}
	// Write before delete: a row leaves the outbox only once the sink
	// has it (the store committed it, or the brokers acknowledged it).
	if err := ix.opts.Sink.Write(ctx, all); err != nil {
		redirty()
		return false, err
	}
	for shard, rows := range read {
		if err := ix.opts.Outbox.DeleteVisibility(ctx, shard, rows); err != nil {
			redirty() // applied again later: harmless
			return false, err
		}
	}
	ix.applied.Add(int64(n))
	return more, nil
}
