package decider

import "errors"

var (
	// ErrCorrupt means a history cannot be folded: a bug or damaged data.
	ErrCorrupt = errors.New("decider: corrupt history")
	// ErrTaskNotFound means the workflow has no task with that id or ref.
	ErrTaskNotFound = errors.New("decider: task not found")
	// ErrTaskNotPending means a poller asked to start a task that is no
	// longer waiting for a worker (started, finished, or workflow ended).
	ErrTaskNotPending = errors.New("decider: task not pending")
	// ErrBadStatus means a task result carries a status a worker may not set.
	ErrBadStatus = errors.New("decider: invalid task status")
	// ErrConflict means the workflow's state does not allow the command.
	ErrConflict = errors.New("decider: conflict with workflow state")
	// ErrInvalid means an operator's command names something the workflow
	// does not have or cannot do (an unknown task to rerun from, say).
	ErrInvalid = errors.New("decider: invalid request")
	// ErrExists means a start named a workflow id that already has history.
	ErrExists = errors.New("decider: workflow already exists")
)
