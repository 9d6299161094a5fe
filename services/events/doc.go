// Package events runs Conductor's event handlers: for every active
// handler it consumes the queue its event names, tests each message
// against the handler's condition and applies the handler's actions
// (start_workflow, complete_task, fail_task) through the history service's
// API, like any other client. Handlers are read from the metadata store
// and re-read whenever it changes, so the API's writes take effect without
// a restart.
//
// Queues:
//   - kafka:<topic> is read with a Kafka consumer group per event
//     ("legato-" + event), starting at the earliest offset when the group
//     is new. A message's offset is committed only after every action it
//     caused is durable, so delivery is at least once: a crash or a
//     transient failure replays the message and its actions. Replays are
//     harmless: updates of finished tasks are ignored, and start_workflow
//     passes an idempotency key made of the event, handler, action and
//     message id, so a replay returns the workflow the first delivery
//     started (upstream would start another). Without brokers configured,
//     kafka handlers are stored but not run.
//   - conductor:<workflow>:<ref> (or conductor:<workflow>:<name>) is fed in
//     process by EVENT tasks: the history service stores each message with
//     the commit that records its task, hands it over after that commit
//     (Publish) and deletes it when told it was handled; messages a crash
//     or a shutdown left unhandled are handed over again when history
//     starts, so delivery is at least once here too (and the order of
//     such re-delivered messages is by id, not by publication).
//
// A message whose actions fail transiently (the history service
// unavailable, a failed commit) is retried, in order, until they succeed
// or the service closes; a retry runs only the actions not yet done. A permanent failure (an unknown workflow or
// task, an unsupported action, a condition that does not evaluate) is
// logged and the message counts as handled, as upstream does.
package events
