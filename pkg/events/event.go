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
	TasksRemoved    *TasksRemovedData
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
}

// TasksRemovedData names the rows to drop from the workflow's task list.
type TasksRemovedData struct {
	TaskIDs []string `json:"taskIds"`
}
