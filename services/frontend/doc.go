// Package frontend serves Conductor's REST API (shared/reference/
// conductor-api.md §1) over gin, so Conductor SDKs, workers and tools work
// against Legato unchanged.
//
// The frontend is stateless. It decodes and validates requests, then calls
// three collaborators it is handed in Options:
//
//   - History (client.go): starts, reads and changes workflow executions and
//     applies task results. Every change is durable when the call returns,
//     so the frontend replies only after it.
//   - Matching (client.go): hands queued tasks to polling workers.
//   - persistence.MetadataStore: task and workflow definitions and event
//     handlers, which the frontend reads and writes itself (defaults
//     applied and validated here, with pkg/workflow and pkg/eventhandler,
//     before anything is stored).
//
// Replies follow Conductor byte for byte where SDKs depend on it: ids are
// text/plain, empty results are 200 with no body or 204 exactly where
// Conductor uses each, and every error is Conductor's JSON error body
// {status, message, instance, retryable}. Errors become HTTP codes only
// here (errors.go): api.Kind, persistence.ErrNotFound/ErrConflict and
// workflow.ErrInvalid pick the status. Where Conductor answers 500 for bad
// input (malformed JSON, bad query values) Legato answers 400, on purpose:
// bad input is a 4xx and changes nothing.
//
// GET /api/workflow/{id}/events is Legato's own: the workflow's immutable
// history, as stored.
package frontend
