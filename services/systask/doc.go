// Package systask runs the async system tasks: HTTP, KAFKA_PUBLISH,
// SUB_WORKFLOW and START_WORKFLOW. It is a service of its own, so that
// the shard owners (services/history) do not link the HTTP and Kafka
// clients, and so that in the distributed mode it can run in any process.
//
// Model: the decider offers these tasks on matching's engine-only queues
// (api.SystemDomain). The runners here long-poll those queues like any
// worker — so each start is recorded by history before a runner gets the
// task, and one attempt reaches one runner — perform the call, the publish
// or the start, and report the result with history's UpdateTask. A slow
// endpoint holds only one call slot; a crash mid-call ends in the task's
// response timeout, after which the task is offered again.
//
// Starting workflows: SUB_WORKFLOW and START_WORKFLOW start theirs with
// StartWorkflow keyed by the task attempt's id (idempotency strategy
// RETURN_EXISTING), so re-running an attempt after a crash finds the
// workflow it started instead of starting a second one. The started
// workflow inherits the parent's correlationId, taskToDomain and priority
// when the task does not set them, read with history's public Workflow.
// A SUB_WORKFLOW task is reported IN_PROGRESS with its child's id; the
// child's end finishes it (history's notes). If the attempt ended while
// the child was being started (the parent was terminated, say), nobody
// waits for the child, and the runner terminates it.
//
// The caller's duties: build it with New, Start it after history and
// matching can serve, and Close it before they close. It uses only the
// small interfaces in client.go: matching's Poll and history's public API.
package systask
