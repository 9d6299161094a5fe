// Package indexer is the read side's projection: it applies the summaries
// history writes to each shard's visibility outbox to the search store
// (pkg/visibility), then deletes the rows it applied.
//
// Model: history tells the indexer which shard's outbox a committed round
// wrote to (Written, never blocking); the indexer's one goroutine wakes,
// lets rows gather for Linger, reads up to BatchSize rows from the dirty
// shards, applies them to the
// store in one transaction — the store keeps the newest version of each
// summary, so rows applied twice or out of order change nothing — and
// only then deletes them from the outbox. At start every shard counts as
// dirty, so rows left by a crash are applied. No polling: with nothing
// written, the indexer sleeps.
//
// Invariants: a row leaves the outbox only after the store has committed
// it, so every acknowledged change is searchable once the indexer catches
// up; a failed apply keeps the rows and is retried after RetryDelay.
package indexer
