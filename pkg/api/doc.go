// Package api holds the messages the services exchange and the frontend
// serves: Conductor's Task and Workflow views, TaskResult, StartWorkflowRequest
// and the error body. Field names are Conductor's JSON names (see
// shared/reference/conductor-api.md §2), so the same values go over the wire
// to Conductor SDKs unchanged.
//
// Errors crossing a service boundary are *Error values whose Kind maps to an
// HTTP status only in the frontend.
package api
