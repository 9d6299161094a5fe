// Package indexer is the read side's projection: it moves the summaries
// history writes to each shard's visibility outbox to the search store
// (pkg/visibility), then deletes the rows it moved.
//
// Model: history tells the Indexer which shard's outbox a committed round
// wrote to (Written, never blocking); the indexer's one goroutine wakes,
// lets rows gather for Linger, reads up to BatchSize rows from the dirty
// shards, hands them to its Sink in one Write, and only then deletes them
// from the outbox. At start every shard counts as dirty, so rows left by
// a crash are moved. No polling: with nothing written, the indexer
// sleeps.
//
// Two sinks:
//
//   - StoreSink (embedded, `--visibility sqlite`) decodes the rows and
//     applies them to a visibility.Store in one transaction.
//   - KafkaSink (distributed, `--visibility kafka`) produces each row to
//     the visibility topic, keyed by workflow id so one workflow's records
//     stay in order in one partition, the value the row's Data and the
//     version in the VersionHeader header. Write waits for every in-sync
//     replica's ack. On the far side a Consumer, in a consumer group,
//     polls a batch, decodes it into one visibility.Batch, applies it to a
//     visibility.Store, and then commits the batch's offsets.
//
// Invariants:
//
//   - Outbox rows are deleted only after the ack: a row leaves the outbox
//     only once the Sink has it (the store committed it, or the brokers
//     acknowledged it), so every acknowledged change is searchable once
//     the read side catches up. A failed Write keeps the rows and is
//     retried after RetryDelay (broker down: they wait in the outbox).
//   - Offsets are committed only after the store has the batch: a failed
//     Apply is retried with a growing delay and commits nothing, and a
//     Consumer closed or crashed before its commit leaves the batch to
//     the group's next member.
//   - A record that is not a visibility record is dead-lettered: logged,
//     counted (DeadLettered) and committed with its batch, since applying
//     it again cannot help.
//
// Why redelivery and reordering are harmless: both paths deliver at least
// once — a row is written again after a crash between the Write and the
// delete, a record is applied again after one between the Apply and the
// commit, and a replaying consumer group reads old versions after new
// ones. The store keeps each summary at its highest EventVersion (the
// version guard: Store.Apply writes a summary only if it is at least as
// new as the stored one), so an old or repeated summary changes nothing,
// and no write needs a read first.
package indexer
