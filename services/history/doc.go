// Package history owns workflow executions. It runs the decider and is the
// only writer of execution state.
//
// Model: workflows are spread over a fixed number of shards by a hash of
// their id. One goroutine owns each shard. It drains its mailbox (starts,
// task starts, task results, operator commands, due timers), runs the
// decider for each input in turn, and applies each decider.Result to one
// batch mechanically — events, the snapshot when the Result says one is
// due, outbox rows for dispatches, the workflow's timer row, index
// changes, published messages, and the read side's visibility rows (the
// summaries the round changed, built once per workflow from the state it
// commits) — then writes that batch, synced, ONCE.
// Only then does it reply to the callers and send what the Results ask
// for (dispatches, withdrawals and releases to matching, notes to other
// workflows, messages to the event handlers, a wake-up to the indexer). Many workflows share one
// fsync; no request waits for its own. The round never reads the events
// again: the Result lists everything.
//
// What Decide reads from outside a workflow (registered TaskDefs, when
// domain queues were last polled) is decider.Facts, kept current by
// metadata's and matching's notifications and handed over as plain data
// (facts.go): nothing a round decides calls another service.
//
// Following a task update, from the HTTP handler to the Pebble commit,
// one way through six files:
//
//  1. services/frontend/tasks.go, updateTask: binds POST /api/tasks into
//     an api.TaskResult and calls History.UpdateTask (the interface the
//     frontend owns, in its client.go).
//  2. services/history/api.go, UpdateTask: wraps the result as a
//     decider.Input in a request and submits it to the workflow's shard.
//  3. services/history/shard.go, submit and run: the request waits in the
//     shard's mailbox; run gathers every waiting request and due timer
//     into a round.
//  4. services/history/round.go, round: for each request, load the state
//     (cache, else the store), decide, absorb the Result into the batch;
//     then commit, reply, and send.
//  5. services/history/env.go, realEnv: what the round's decide, commit
//     and afterCommit are — decider.Decider.Decide (pkg/decider/decide.go,
//     a pure function returning a decider.Result, pkg/decider/result.go)
//     with the round's Facts, the store's Commit, and the sends to
//     matching, the note runner and the event handlers.
//  6. pkg/persistence/pebble/commit.go, Commit: the batch becomes one
//     synced Pebble batch.
//
// Invariants:
//   - Commit before reply, commit before dispatch. A crash after the commit
//     only delays effects: at start-up every shard re-offers its pending
//     dispatch rows, re-arms its timers and hands its unhandled published
//     messages to the event handlers again, from the store.
//   - The in-memory state cache holds only committed states; a failed
//     commit evicts every workflow the round touched, re-arms the timers
//     it popped, replies an error to every request, and sends nothing
//     (round_test.go fails each commit of a workflow's life in turn).
//   - A task attempt is handed to a poller only after its start is
//     committed, and a started attempt is never offered again, so one
//     attempt reaches exactly one worker.
//
// Reads (Workflow, Task, TaskPage, Correlated) are rendered in the
// workflow's shard, after its round commits, from the cache of committed
// states — a 100,000-task workflow is not decoded for each read — and fall
// back to the store when the cache does not hold it (api.go read). Every
// reply follows its commit, so reads are always current.
//
// Workflows that start workflows (children.go): SUB_WORKFLOW and
// START_WORKFLOW run, like the other async system tasks, on the runners of
// services/systask, which start the new workflow through this API,
// idempotently (keyed by the task attempt's id). A child's end is applied
// to its parent's task after the child's commit, by a note the Service's
// note runner delivers to the parent's shard; shards never wait for each
// other. Notes are memory only: a crash between the two commits is healed
// by the parent task's reconciliation deadline, whose Tick reads the
// child's committed state and applies its end. Terminating a parent
// terminates its started children the same way, best effort: a crash
// before delivery leaves the child running on its own.
//
// Messages EVENT tasks publish to conductor queues (Result.Messages,
// EventSink) are an outbox like the dispatch rows: the round that records
// the EVENT task's start stores its message (persistence.Batch
// PutMessages), the EventSink gets it after the commit, and a later round
// deletes the row once the sink reports the message handled; rows left by
// a crash are handed over again at start-up. Delivery is at least once,
// which handlers' actions tolerate (idempotent starts, ignored updates of
// finished tasks). This keeps the EVENT task a sync system task that
// completes in the round that publishes, as upstream, whose queues are
// durable too; running it as an async system task that completes only
// after its handlers ran would have changed its visible statuses, held
// the workflow on the handlers, let a handler miss a task the same round
// schedules after the EVENT (a WAIT it is to complete), and turned a
// crash mid-handling into a response timeout that fails the task.
package history
