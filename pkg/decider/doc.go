// Package decider is Legato's state machine: a pure function from a
// workflow's mutable state, one input and the current time to the events
// that input causes and the effects to carry out.
//
// The model, as in etcd's raft package:
//
//   - Decide takes (state, input, now). It does no I/O, reads no clock and
//     draws no random numbers: task ids are derived from the workflow id and
//     the task's sequence number, and time comes in as now.
//   - Every change to the state is an event. Decide creates each event and
//     applies it with Apply before looking at the state again, so the state
//     after Decide is exactly Apply of all events so far: fold(events) equals
//     the snapshot, always. Replay rebuilds a state from a history.
//   - A Result (result.go) is everything the caller must do, as raft's
//     Ready: what to persist in one batch (events, whether a snapshot is
//     due, a removal, outbox rows to put and delete, the workflow's next
//     timer, index changes, conductor-queue messages, visibility
//     summaries), what to send only after that batch is durable (offers to
//     workers, withdrawals and releases to matching, notes to other
//     workflows) and what to reply. The caller applies it mechanically; a
//     crash between commit and send only delays the sends, because the
//     outbox rows are in the same batch.
//   - What Decide reads from outside the workflow (registered TaskDefs,
//     recent polls of domain queues) comes in as Facts, plain data the
//     caller gathers before it decides (facts.go).
//   - WakeAt(state) is the next time the workflow needs a Tick: Deadline
//     (response timeouts, WAIT tasks that are due, ...) while it runs, its
//     removal by retention once ended (remove.go). It is a pure function
//     of the state, so the caller keeps one timer row per workflow without
//     storing anything extra, and timers survive restarts.
//   - The definition is a tree (SWITCH cases, FORK branches); a
//     workflow.Graph, built once per definition snapshot and cached, says
//     what comes after each task (next.go).
//   - SIMPLE and DYNAMIC tasks are offered to workers (Dispatch); HTTP,
//     KAFKA_PUBLISH, SUB_WORKFLOW and START_WORKFLOW tasks to the engine's
//     own pollers (a started SUB_WORKFLOW then waits IN_PROGRESS for its
//     child's end, subworkflow.go; an asyncComplete HTTP or KAFKA_PUBLISH
//     task, after its call, waits IN_PROGRESS for an update from outside,
//     Task.Awaiting). Every other
//     type is a system task that Decide runs itself the moment it is
//     scheduled (systask.go):
//     SWITCH, DECISION, FORK_JOIN, NOOP, SET_VARIABLE, TERMINATE, INLINE,
//     LAMBDA, JSON_JQ_TRANSFORM and EVENT (event.go) finish at once; JOIN,
//     EXCLUSIVE_JOIN, DO_WHILE, WAIT, HUMAN and an asyncComplete EVENT stay
//     IN_PROGRESS until their joinOn tasks or loop iteration end, a Tick
//     finds them due, or an update arrives.
//     System tasks are never dispatched and have no response timeout.
//     Scripts (Decider.Scripts) are evaluated once and their result recorded
//     in the events; replay never runs them.
//   - A DO_WHILE's body rows are named ref__n for iteration n (loop.go),
//     ref__m__n inside nested loops (iteration.go); the graph maps those
//     names back to the body's tasks, and ${ref...} reads the latest
//     iteration's row. keepLastN folds old iterations' rows away with a
//     TasksRemoved event (keeplast.go).
//
// Caller's duties: run Decide for one workflow at a time (the history shard
// owner guarantees it), set State.Def to the definition snapshot named by
// State.DefHash and State.SnapshotAt to the stored snapshot's event id
// before calling, set Decider.Facts, and discard the state if the commit
// fails.
package decider
