package persistence

import (
	"context"

	"github.com/legatohq/legato/pkg/eventhandler"
	"github.com/legatohq/legato/pkg/workflow"
)

// Generationer is the optional capability of a MetadataStore that says
// when it changed: Generation changes after every metadata write, so a
// caller may cache what it derives from definitions while it stays the
// same (read Generation first, then the definitions).
type Generationer interface {
	Generation() uint64
}

// ChangeNotifier is the optional capability of a MetadataStore that wakes
// readers: Changed returns a channel closed at the next metadata write
// (ask for it before reading, so a write after the read wakes you).
type ChangeNotifier interface {
	Changed() <-chan struct{}
}

// MetadataStore holds task and workflow definitions and event handlers.
// Writes are rare and
// each is durable on return.
type MetadataStore interface {
	// PutTaskDefs creates or replaces task definitions.
	PutTaskDefs(ctx context.Context, defs []*workflow.TaskDef) error
	TaskDef(ctx context.Context, name string) (*workflow.TaskDef, error)
	TaskDefs(ctx context.Context) ([]*workflow.TaskDef, error)
	DeleteTaskDef(ctx context.Context, name string) error

	// CreateWorkflowDef stores a new name+version; ErrConflict if present.
	CreateWorkflowDef(ctx context.Context, def *workflow.WorkflowDef) error
	// PutWorkflowDef creates or replaces a name+version.
	PutWorkflowDef(ctx context.Context, def *workflow.WorkflowDef) error
	// WorkflowDef returns a version, or the latest when version is 0.
	WorkflowDef(ctx context.Context, name string, version int) (*workflow.WorkflowDef, error)
	// WorkflowDefs returns every version of every workflow definition.
	WorkflowDefs(ctx context.Context) ([]*workflow.WorkflowDef, error)
	DeleteWorkflowDef(ctx context.Context, name string, version int) error

	// CreateEventHandler stores a new handler; ErrConflict if one has its
	// name.
	CreateEventHandler(ctx context.Context, h *eventhandler.Handler) error
	// UpdateEventHandler replaces the handler with h's name; ErrNotFound
	// if there is none.
	UpdateEventHandler(ctx context.Context, h *eventhandler.Handler) error
	// EventHandlers returns every handler, by name.
	EventHandlers(ctx context.Context) ([]*eventhandler.Handler, error)
	// DeleteEventHandler removes a handler; ErrNotFound if absent.
	DeleteEventHandler(ctx context.Context, name string) error
}
