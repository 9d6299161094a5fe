// Package workflow holds Conductor's workflow language as Go values: the
// workflow definition (WorkflowDef), the tasks inside it (WorkflowTask) and
// the reusable task definitions (TaskDef), plus their validation.
//
// The JSON field names are Conductor's, so definitions written for Conductor
// decode unchanged and encode back the way Conductor clients expect. Fields
// that Legato does not act on yet are still kept, so nothing a user sends is
// silently dropped from a stored definition.
//
// Definitions are immutable once a workflow has started with them: the
// history service snapshots the resolved definition per execution, so later
// metadata edits never change a running workflow.
//
// Callers that accept a definition from a user call ApplyDefaults, which
// fills what Conductor fills when a field is left out, and then Validate,
// which reports every problem at once as a *ValidationError wrapping
// ErrInvalid. A definition that passed both is what gets stored.
package workflow
