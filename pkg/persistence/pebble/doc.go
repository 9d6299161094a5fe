// Package pebble is the embedded persistence backend: one Store on one
// cockroachdb/pebble database implements both persistence.ExecutionStore
// and persistence.MetadataStore.
//
// # Model
//
// Commit turns a persistence.Batch into one pebble batch, committed as one
// WAL record and synced before Commit returns (unless Options.NoSync). A
// WAL record is replayed whole or not at all, so after a crash every
// acknowledged batch is present and no batch is half there; crash_test.go
// checks this by crashing at every file-system write. Concurrent commits
// (one per shard owner) are not serialized by the Store: pebble's commit
// pipeline gives each its place in the WAL and lets all that wait share one
// fsync, which is the group commit.
//
// Reads go straight to pebble (point gets and bounded iterators) and run
// concurrently with commits; a read sees each batch entirely or not at all.
//
// # Key layout
//
// Every key starts with a short table prefix. Integers are big-endian so
// that byte order is numeric order; 8-byte integers (event ids, times)
// have their sign bit flipped so negatives sort first. A variable-length
// field followed by other fields ends with a 0x00 byte, so such fields
// (marked †) must not contain 0x00: Commit rejects them with ErrInvalidKey.
// A trailing field needs no terminator.
//
//	e/ <workflow id>† <id:8>                         one commit's events from that id, JSON []events.Event
//	s/ <workflow id>                                 snapshot bytes
//	d/ <hash>                                        definition snapshot bytes
//	q/ <shard:2> <task id>                           dispatch, JSON api.Dispatch
//	p/ <shard:2> <message id>                        published message, JSON api.EventMessage
//	v/ <shard:2> <workflow id> 0x00 <version:8>      visibility outbox row, the writer's bytes
//	t/ <shard:2> <at:8> <workflow id>                timer, empty value
//	x/ <task id>                                     task index, workflow id
//	c/ <name>† <correlation id>† <workflow id>       correlation index, empty
//	r/ <name>† <version:4> <workflow id>             running index, empty
//	l/ <task id>† <created:8> <fnv64a(log):8> <n:4>  task log, JSON api.TaskExecLog
//	m/t/ <name>                                      task def, JSON workflow.TaskDef
//	m/w/ <name>† <version:4>                         workflow def, JSON workflow.WorkflowDef
//	m/e/ <name>                                      event handler, JSON eventhandler.Handler
//
// Hence Events, Timers and TaskLogs come back in id or time order from a
// plain prefix scan, WorkflowDef(name, 0) is the last key under its name,
// and deleting a workflow's history or a task's logs is one range deletion.
// Shards are [0, 65535] and versions [0, 2^32-1].
//
// # Choices where the interface leaves room
//
//   - Within a batch, row kinds apply in the order of Batch's fields and,
//     per kind, puts before deletes: a row both put and deleted by one
//     batch is deleted.
//   - A WorkflowWrite with Delete ignores its Events and Snapshot. One with
//     a nil Snapshot leaves the stored snapshot as it is.
//   - Task log keys come from the line itself (time, FNV-1a of the text,
//     rank among equal lines of the batch), not from a counter, so that
//     applying a batch twice stores each line once, as Batch requires.
//     Lines of a task with the same time come back in hash order, and an
//     identical line (same task, time, text) in a later batch is stored
//     once.
//   - Metadata writes are always synced and serialized by a mutex, which
//     makes CreateWorkflowDef's existence check, the event handler
//     create/update/delete checks and the Delete*Def checks atomic.
//     DeleteWorkflowDef's version 0 means version 0, not latest.
//
// # Caller's duties
//
// One writer per shard: the interface's single-writer rule is what makes
// the rows of concurrent batches disjoint; the Store does not check it.
// Call Close once every other call has returned. Open creates Options.Dir
// and syncs its parent, which pebble v1 does not do, so that a crash just
// after the first Open cannot lose the database.
package pebble
