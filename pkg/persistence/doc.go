// Package persistence defines the storage the services need, as two small
// interfaces, and the rules every backend must keep:
//
//   - ExecutionStore: workflow histories (events), mutable-state snapshots,
//     the per-shard outbox (pending dispatches, timers and unhandled
//     published messages) and the small
//     indexes the API reads (task id -> workflow, correlation id, running).
//     Everything a shard owner decided in one round arrives as one Batch and
//     is applied atomically and durably by Commit: after Commit returns nil,
//     all of it survives a crash; after a crash mid-Commit, none or all of it
//     is present, never a part.
//   - MetadataStore: task and workflow definitions, event handlers.
//
// Backends: pebble/ (embedded, always tested) and cassandra/ (distributed).
// Both run the contract suite in persistencetest/.
//
// Errors are the package sentinels ErrNotFound and ErrConflict, wrapped with
// context; test them with errors.Is.
package persistence
