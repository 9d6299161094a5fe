package decider

import (
	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/workflow"
)

// Input is one thing that happens to a workflow. Exactly one field is set.
type Input struct {
	Start       *Start
	TaskStarted *TaskStarted
	TaskResult  *api.TaskResult
	ResultByRef *ResultByRef
	Terminate   *Terminate
	// Pause stops new scheduling (RUNNING → PAUSED); Resume picks it up
	// again (PAUSED → RUNNING).
	Pause  bool
	Resume bool
	// Tick asks the decider to act on every deadline that has passed.
	Tick bool
	// FailureWorkflowStarted records the start of the failure workflow
	// the workflow's end asked for (failureworkflow.go).
	FailureWorkflowStarted *FailureWorkflowStarted
	// Retry, Restart and Rerun reopen an ended workflow (workflowretry.go,
	// restart.go, rerun.go); Skip and ResetCallbacks act on a live one
	// (skip.go, callbacks.go).
	Retry          *Retry
	Restart        *Restart
	Rerun          *Rerun
	Skip           *Skip
	ResetCallbacks bool
	// Remove deletes the workflow and every row that points at it
	// (remove.go).
	Remove bool
}

// Start begins a new execution. Def is the resolved definition snapshot
// (task definitions embedded) and DefHash its content hash.
type Start struct {
	WorkflowID     string
	Def            *workflow.WorkflowDef
	DefHash        string
	Input          map[string]any
	CorrelationID  string
	Priority       int
	TaskToDomain   map[string]string
	CreatedBy      string
	IdempotencyKey string
	// ParentWorkflowID and ParentWorkflowTaskID name the SUB_WORKFLOW task
	// that started this execution, if any.
	ParentWorkflowID     string
	ParentWorkflowTaskID string
}

// TaskStarted records that a poller took a task.
type TaskStarted struct {
	TaskID   string
	WorkerID string
}

// ResultByRef applies a status to the open task with a reference name.
type ResultByRef struct {
	Ref      string
	Status   string
	WorkerID string
	Output   map[string]any
}

// Terminate ends a running workflow on an operator's request.
type Terminate struct {
	Reason string
}
