package api

import "github.com/legatohq/legato/pkg/workflow"

// Workflow statuses, as Conductor names them.
const (
	WorkflowRunning    = "RUNNING"
	WorkflowCompleted  = "COMPLETED"
	WorkflowFailed     = "FAILED"
	WorkflowTimedOut   = "TIMED_OUT"
	WorkflowTerminated = "TERMINATED"
	WorkflowPaused     = "PAUSED"
)

// WorkflowTerminal reports whether a workflow in status s has ended.
func WorkflowTerminal(s string) bool {
	return s != WorkflowRunning && s != WorkflowPaused
}

// Workflow is Conductor's Workflow: one execution and its tasks.
type Workflow struct {
	WorkflowID               string                `json:"workflowId"`
	WorkflowName             string                `json:"workflowName"`
	WorkflowVersion          int                   `json:"workflowVersion"`
	Status                   string                `json:"status"`
	CreateTime               int64                 `json:"createTime"`
	StartTime                int64                 `json:"startTime"`
	UpdateTime               int64                 `json:"updateTime,omitempty"`
	EndTime                  int64                 `json:"endTime"`
	ParentWorkflowID         string                `json:"parentWorkflowId,omitempty"`
	ParentWorkflowTaskID     string                `json:"parentWorkflowTaskId,omitempty"`
	Tasks                    []*Task               `json:"tasks"`
	Input                    map[string]any        `json:"input"`
	Output                   map[string]any        `json:"output"`
	CorrelationID            string                `json:"correlationId,omitempty"`
	ReRunFromWorkflowID      string                `json:"reRunFromWorkflowId,omitempty"`
	ReasonForIncompletion    string                `json:"reasonForIncompletion,omitempty"`
	Event                    string                `json:"event,omitempty"`
	TaskToDomain             map[string]string     `json:"taskToDomain"`
	FailedReferenceTaskNames []string              `json:"failedReferenceTaskNames"`
	FailedTaskNames          []string              `json:"failedTaskNames"`
	WorkflowDefinition       *workflow.WorkflowDef `json:"workflowDefinition,omitempty"`
	Priority                 int                   `json:"priority"`
	Variables                map[string]any        `json:"variables"`
	LastRetriedTime          int64                 `json:"lastRetriedTime"`
	IdempotencyKey           string                `json:"idempotencyKey,omitempty"`
	CreatedBy                string                `json:"createdBy,omitempty"`
}

// WorkflowStatus is the body of GET /api/workflow/{id}/status.
type WorkflowStatus struct {
	WorkflowID    string         `json:"workflowId"`
	CorrelationID string         `json:"correlationId,omitempty"`
	Output        map[string]any `json:"output,omitempty"`
	Variables     map[string]any `json:"variables,omitempty"`
	Status        string         `json:"status"`
}

// RerunWorkflowRequest is the body of POST /api/workflow/{id}/rerun.
// reRunFromWorkflowId is ignored: the path names the workflow.
type RerunWorkflowRequest struct {
	ReRunFromWorkflowID string         `json:"reRunFromWorkflowId,omitempty"`
	WorkflowInput       map[string]any `json:"workflowInput,omitempty"`
	ReRunFromTaskID     string         `json:"reRunFromTaskId,omitempty"`
	TaskInput           map[string]any `json:"taskInput,omitempty"`
	CorrelationID       string         `json:"correlationId,omitempty"`
}

// Idempotency strategies of StartWorkflowRequest: FAIL refuses a second
// start with the same key, RETURN_EXISTING answers the workflow the first
// one started.
const (
	IdempotencyFail           = "FAIL"
	IdempotencyReturnExisting = "RETURN_EXISTING"
)

// StartWorkflowRequest is the body of POST /api/workflow.
type StartWorkflowRequest struct {
	Name                string                `json:"name"`
	Version             int                   `json:"version,omitempty"`
	CorrelationID       string                `json:"correlationId,omitempty"`
	Input               map[string]any        `json:"input,omitempty"`
	TaskToDomain        map[string]string     `json:"taskToDomain,omitempty"`
	WorkflowDef         *workflow.WorkflowDef `json:"workflowDef,omitempty"`
	Priority            int                   `json:"priority,omitempty"`
	CreatedBy           string                `json:"createdBy,omitempty"`
	IdempotencyKey      string                `json:"idempotencyKey,omitempty"`
	IdempotencyStrategy string                `json:"idempotencyStrategy,omitempty"`
	// ParentWorkflowID and ParentWorkflowTaskID name the SUB_WORKFLOW task
	// starting this workflow. Only the engine sets them; they are never
	// read from or written to JSON.
	ParentWorkflowID     string `json:"-"`
	ParentWorkflowTaskID string `json:"-"`
	// WorkflowID is the id the engine chose for a workflow it starts (a
	// failure workflow), with an IdempotencyKey so that load finds it if a
	// start is repeated. Never read from or written to JSON.
	WorkflowID string `json:"-"`
}
