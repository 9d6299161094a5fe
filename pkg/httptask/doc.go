// Package httptask performs the HTTP call of Conductor's HTTP system task.
//
// The task's input holds the request, under "http_request" or at the top
// level: uri and method (required), headers, body, accept, contentType,
// connectionTimeOut and readTimeOut (milliseconds, default 3000 each).
// Parse checks it; Do performs it and turns the outcome into the task's
// result as Conductor does:
//
//   - 2xx: COMPLETED with output {"response": {statusCode, reasonPhrase,
//     headers: {name: [values]}, body}}; a JSON body is decoded (numbers
//     as float64), any other body is a string.
//   - any other status: FAILED, with the status in the reason and the
//     same response in the output (upstream loses it; keeping it helps).
//   - no answer (refused, timed out): FAILED with the error as the reason.
//
// The call runs wherever the caller runs it; the engine runs it off the
// history shard goroutines, so a slow endpoint never stalls a shard.
package httptask
