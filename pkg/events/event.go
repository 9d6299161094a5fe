package events

// Type names the kind of an event.
type Type string

const (
	WorkflowStarted Type = "WorkflowStarted"
	TaskScheduled   Type = "TaskScheduled"
	TaskStarted     Type = "TaskStarted"
	TaskUpdated     Type = "TaskUpdated"
	WorkflowEnded   Type = "WorkflowEnded"
	// WorkflowPaused and WorkflowResumed carry no payload.
	WorkflowPaused  Type = "WorkflowPaused"
	WorkflowResumed Type = "WorkflowResumed"
	// FailureWorkflowUpdated follows a WorkflowEnded that asked for a
	// failure workflow: it records the start, or when to try it again.
	FailureWorkflowUpdated Type = "FailureWorkflowUpdated"
	// WorkflowRetried, WorkflowRestarted and WorkflowRerun reopen an ended
	// workflow on an operator's request (retry, restart, rerun).
	WorkflowRetried   Type = "WorkflowRetried"
	WorkflowRestarted Type = "WorkflowRestarted"
	WorkflowRerun     Type = "WorkflowRerun"
	// TasksRemoved folds finished rows out of the task list (a DO_WHILE's
	// keepLastN); the events that made them stay in the history.
	TasksRemoved Type = "TasksRemoved"
)

// Event is one immutable entry of a workflow's history. Its JSON form
// (json.go) is {id, type, time, taskRef, data}, both in the store and in
// GET /api/workflow/{id}/events.
type Event struct {
	ID   int64
	Type Type
	Time int64 // epoch milliseconds
	Ref  string

	WorkflowStarted *WorkflowStartedData
	TaskScheduled   *TaskScheduledData
	TaskStarted     *TaskStartedData
	TaskUpdated     *TaskUpdatedData
	WorkflowEnded   *WorkflowEndedData

	FailureWorkflowUpdated *FailureWorkflowUpdatedData
	WorkflowRetried        *WorkflowRetriedData
	WorkflowRestarted      *WorkflowRestartedData
	WorkflowRerun          *WorkflowRerunData
	TasksRemoved           *TasksRemovedData
}

// Data returns the payload that Type names.
func (e *Event) Data() any {
	switch e.Type {
	case WorkflowStarted:
		return e.WorkflowStarted
	case TaskScheduled:
		return e.TaskScheduled
	case TaskStarted:
		return e.TaskStarted
	case TaskUpdated:
		return e.TaskUpdated
	case WorkflowEnded:
		return e.WorkflowEnded
	case FailureWorkflowUpdated:
		return e.FailureWorkflowUpdated
	case WorkflowRetried:
		return e.WorkflowRetried
	case WorkflowRestarted:
		return e.WorkflowRestarted
	case WorkflowRerun:
		return e.WorkflowRerun
	case TasksRemoved:
		return e.TasksRemoved
	}
	return nil
}

// WorkflowStartedData opens a history. DefHash names the immutable
// definition snapshot (stored once, shared by every execution that uses it).
type WorkflowStartedData struct {
	WorkflowID           string            `json:"workflowId"`
	Name                 string            `json:"name"`
	Version              int               `json:"version"`
	DefHash              string            `json:"defHash"`
	Input                map[string]any    `json:"input,omitempty"`
	CorrelationID        string            `json:"correlationId,omitempty"`
	Priority             int               `json:"priority,omitempty"`
	TaskToDomain         map[string]string `json:"taskToDomain,omitempty"`
	CreatedBy            string            `json:"createdBy,omitempty"`
	IdempotencyKey       string            `json:"idempotencyKey,omitempty"`
	ParentWorkflowID     string            `json:"parentWorkflowId,omitempty"`
	ParentWorkflowTaskID string            `json:"parentWorkflowTaskId,omitempty"`
	Variables            map[string]any    `json:"variables,omitempty"`
	// TimeoutSeconds is the workflow's timeout, set only when its
	// timeoutPolicy is TIME_OUT_WF.
	TimeoutSeconds int64 `json:"timeoutSeconds,omitempty"`
}

// TaskScheduledData creates a new task attempt.
type TaskScheduledData struct {
	TaskID                 string         `json:"taskId"`
	TaskType               string         `json:"taskType"`
	TaskDefName            string         `json:"taskDefName"`
	Seq                    int            `json:"seq"`
	Input                  map[string]any `json:"input,omitempty"`
	RetryCount             int            `json:"retryCount,omitempty"`
	RetriedTaskID          string         `json:"retriedTaskId,omitempty"`
	Domain                 string         `json:"domain,omitempty"`
	ResponseTimeoutSeconds int64          `json:"responseTimeoutSeconds,omitempty"`
	StartDelaySeconds      int64          `json:"startDelaySeconds,omitempty"`
	// TimeoutSeconds (from the attempt's first start) and
	// PollTimeoutSeconds (while SCHEDULED) come from the TaskDef; they are
	// left out when its timeoutPolicy is ALERT_ONLY.
	TimeoutSeconds     int64 `json:"timeoutSeconds,omitempty"`
	PollTimeoutSeconds int64 `json:"pollTimeoutSeconds,omitempty"`
	// DispatchAt is when the task becomes visible to pollers (retry delay,
	// startDelay); 0 means at once.
	DispatchAt int64 `json:"dispatchAt,omitempty"`
}

// TaskStartedData records that a worker polled the task: this attempt now
// belongs to exactly that worker.
type TaskStartedData struct {
	TaskID   string `json:"taskId"`
	WorkerID string `json:"workerId,omitempty"`
}

// TaskUpdatedData changes a task's status: a worker's result, a timeout, a
// cancellation. IN_PROGRESS from a worker sends the task back to SCHEDULED,
// visible again at DispatchAt.
type TaskUpdatedData struct {
	TaskID               string         `json:"taskId"`
	Status               string         `json:"status"`
	Output               map[string]any `json:"output,omitempty"`
	Reason               string         `json:"reason,omitempty"`
	WorkerID             string         `json:"workerId,omitempty"`
	CallbackAfterSeconds int64          `json:"callbackAfterSeconds,omitempty"`
	DispatchAt           int64          `json:"dispatchAt,omitempty"`
	// Retried marks the attempt as superseded by a retry.
	Retried bool `json:"retried,omitempty"`
	// Started marks the engine starting a system task: the task's start
	// time is set if it has none.
	Started bool `json:"started,omitempty"`
	// WaitUntil is when an IN_PROGRESS WAIT task completes by itself
	// (epoch ms); 0 means it waits for an external update.
	WaitUntil int64 `json:"waitUntil,omitempty"`
	// Variables are merged into the workflow's variables (SET_VARIABLE).
	Variables map[string]any `json:"variables,omitempty"`
}

// WorkflowEndedData closes a workflow with a terminal status.
type WorkflowEndedData struct {
	Status          string         `json:"status"`
	Output          map[string]any `json:"output,omitempty"`
	Reason          string         `json:"reason,omitempty"`
	FailedRefs      []string       `json:"failedReferenceTaskNames,omitempty"`
	FailedTaskNames []string       `json:"failedTaskNames,omitempty"`
	// FailureWorkflow is the compensation workflow to start (its id is
	// already in Output as "conductor.failure_workflow").
	FailureWorkflow *FailureWorkflowRef `json:"failureWorkflow,omitempty"`
}

// FailureWorkflowRef names the failure workflow a failed workflow starts;
// Version 0 means the latest at start time.
type FailureWorkflowRef struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Version int    `json:"version,omitempty"`
}

// FailureWorkflowUpdatedData: Started records the failure workflow's start
// (Error says why it could not start, if so); otherwise RetryAt is when to
// try the start again.
type FailureWorkflowUpdatedData struct {
	Started bool   `json:"started,omitempty"`
	Error   string `json:"error,omitempty"`
	RetryAt int64  `json:"retryAt,omitempty"`
}

// WorkflowRetriedData sets an ended workflow RUNNING again where it
// failed. Reopen lists the JOIN, EXCLUSIVE_JOIN and DO_WHILE rows that go
// back to IN_PROGRESS; the new attempts of the failed tasks follow as
// TaskScheduled events.
type WorkflowRetriedData struct {
	Reopen []string `json:"reopen,omitempty"`
}

// WorkflowRestartedData starts an ended workflow over under the same id:
// every task row is dropped and the workflow runs the definition snapshot
// DefHash (the latest definition when the operator asked for it). Input
// and CorrelationID replace the workflow's when set (a rerun with new
// input); Variables are the definition's.
type WorkflowRestartedData struct {
	Name          string         `json:"name"`
	Version       int            `json:"version"`
	DefHash       string         `json:"defHash"`
	Input         map[string]any `json:"input,omitempty"`
	CorrelationID string         `json:"correlationId,omitempty"`
	Variables     map[string]any `json:"variables,omitempty"`
	// TimeoutSeconds is the (possibly new) definition's workflow timeout,
	// as in WorkflowStartedData.
	TimeoutSeconds int64 `json:"timeoutSeconds,omitempty"`
}

// WorkflowRerunData reruns an ended workflow from task TaskID: that row
// and every later one are dropped, and the task's new attempt follows as
// a TaskScheduled event. With ResumeChild the row (a SUB_WORKFLOW whose
// child was rerun) is kept and goes back to IN_PROGRESS instead. Input
// and CorrelationID replace the workflow's when set.
type WorkflowRerunData struct {
	TaskID        string         `json:"taskId"`
	ResumeChild   bool           `json:"resumeChild,omitempty"`
	Input         map[string]any `json:"input,omitempty"`
	CorrelationID string         `json:"correlationId,omitempty"`
}

// TasksRemovedData names the rows to drop from the workflow's task list.
type TasksRemovedData struct {
	TaskIDs []string `json:"taskIds"`
}
