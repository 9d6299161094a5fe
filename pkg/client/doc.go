// Package client is the Go client and worker SDK for Legato. It speaks
// Conductor's REST API (shared/reference/conductor-api.md §1), so it works
// against Netflix Conductor too, apart from Legato extensions such as Events.
//
// # Client
//
// One Client per server, shared by all goroutines:
//
//	c := client.New("http://127.0.0.1:8080")
//	defer c.CloseIdleConnections()
//	err := c.RegisterTaskDefs(ctx, defs)
//	err = c.RegisterWorkflowDef(ctx, def, true)
//	id, err := c.StartWorkflow(ctx, "order_fulfillment", 0, "", map[string]any{"orderId": "o-1"})
//	wf, err := c.Workflow(ctx, id, true)
//
// The client keeps a large pool of keep-alive connections (NewTransport), so
// thousands of requests per second reuse sockets. Every call takes a ctx and
// honours its deadline and cancellation.
//
// # Errors
//
// A non-2xx answer is an *Error carrying the HTTP status and the server's
// message; IsNotFound, IsConflict and StatusOf classify it. A request that got
// no answer at all wraps ErrTransport. Temporary reports whether repeating a
// request may help.
//
// # Retries
//
// Only task results are retried automatically: UpdateTask and UpdateTaskV2
// repeat on ErrTransport and 5xx/408/429 with a doubling backoff until they
// succeed or ctx is done, so a result outlives a server crash and restart. A
// repeat is harmless because the server ignores updates to tasks that have
// already ended. Polls are not retried (the worker loop polls again), and
// neither are starts: a start that got no answer may or may not have
// happened, and only the caller knows whether a duplicate workflow is
// acceptable.
//
// # Workers
//
// RunWorkers runs a poll-execute-report loop per Worker until its ctx is done:
//
//	err := c.RunWorkers(ctx, "worker-1", client.Worker{
//		TaskType:    "charge_payment",
//		Concurrency: 64,
//		Execute: func(ctx context.Context, t *api.Task) client.Result {
//			return client.Complete(map[string]any{"paymentId": "p-1"})
//		},
//	})
//
// Pollers batch-poll for as many tasks as there are free Concurrency slots,
// long-polling up to PollTimeout. Each task runs in its own goroutine; its
// result goes back with update-v2, and the next task the server returns with
// the acknowledgement runs at once in the same slot, halving the request count
// at high throughput. When ctx is cancelled, polling stops, executing tasks
// see a cancelled ctx, their results are still reported (without taking new
// tasks) for up to the shutdown grace, and RunWorkers returns only after every
// goroutine it started has ended.
//
// A task handed out by the server but never reported (the process died, or a
// response carrying it was lost) is redelivered by the server after the task's
// responseTimeoutSeconds.
package client
