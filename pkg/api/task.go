package api

import "github.com/legatohq/legato/pkg/workflow"

// Task statuses, as Conductor names them.
const (
	TaskScheduled               = "SCHEDULED"
	TaskInProgress              = "IN_PROGRESS"
	TaskCompleted               = "COMPLETED"
	TaskCompletedWithErrors     = "COMPLETED_WITH_ERRORS"
	TaskFailed                  = "FAILED"
	TaskFailedWithTerminalError = "FAILED_WITH_TERMINAL_ERROR"
	TaskTimedOut                = "TIMED_OUT"
	TaskCanceled                = "CANCELED"
	TaskSkipped                 = "SKIPPED"
)

// TaskTerminal reports whether a task in status s will never change again.
func TaskTerminal(s string) bool {
	switch s {
	case TaskScheduled, TaskInProgress:
		return false
	}
	return true
}

// TaskSuccessful reports whether status s lets the workflow go on.
func TaskSuccessful(s string) bool {
	switch s {
	case TaskCompleted, TaskCompletedWithErrors, TaskSkipped, TaskScheduled, TaskInProgress:
		return true
	}
	return false
}

// Task is Conductor's Task: one attempt of one task of a workflow.
type Task struct {
	TaskID                 string                 `json:"taskId"`
	TaskType               string                 `json:"taskType"`
	Status                 string                 `json:"status"`
	InputData              map[string]any         `json:"inputData"`
	OutputData             map[string]any         `json:"outputData"`
	ReferenceTaskName      string                 `json:"referenceTaskName"`
	RetryCount             int                    `json:"retryCount"`
	Seq                    int                    `json:"seq"`
	CorrelationID          string                 `json:"correlationId,omitempty"`
	PollCount              int                    `json:"pollCount"`
	TaskDefName            string                 `json:"taskDefName"`
	ScheduledTime          int64                  `json:"scheduledTime"`
	StartTime              int64                  `json:"startTime"`
	EndTime                int64                  `json:"endTime"`
	UpdateTime             int64                  `json:"updateTime"`
	StartDelayInSeconds    int64                  `json:"startDelayInSeconds"`
	RetriedTaskID          string                 `json:"retriedTaskId,omitempty"`
	Retried                bool                   `json:"retried"`
	Executed               bool                   `json:"executed"`
	CallbackFromWorker     bool                   `json:"callbackFromWorker"`
	ResponseTimeoutSeconds int64                  `json:"responseTimeoutSeconds"`
	WorkflowInstanceID     string                 `json:"workflowInstanceId"`
	WorkflowType           string                 `json:"workflowType"`
	ReasonForIncompletion  string                 `json:"reasonForIncompletion,omitempty"`
	CallbackAfterSeconds   int64                  `json:"callbackAfterSeconds"`
	WorkerID               string                 `json:"workerId,omitempty"`
	WorkflowTask           *workflow.WorkflowTask `json:"workflowTask,omitempty"`
	Domain                 string                 `json:"domain,omitempty"`
	WorkflowPriority       int                    `json:"workflowPriority"`
	Iteration              int                    `json:"iteration"`
	SubWorkflowID          string                 `json:"subWorkflowId,omitempty"`
	FirstStartTime         int64                  `json:"firstStartTime"`
	ParentTaskID           string                 `json:"parentTaskId,omitempty"`
	QueueWaitTime          int64                  `json:"queueWaitTime"`
	LoopOverTask           bool                   `json:"loopOverTask"`
	TaskDefinition         *workflow.TaskDef      `json:"taskDefinition,omitempty"`
}

// TaskResult is what a worker reports about a task it polled.
type TaskResult struct {
	WorkflowInstanceID    string         `json:"workflowInstanceId"`
	TaskID                string         `json:"taskId"`
	Status                string         `json:"status"`
	OutputData            map[string]any `json:"outputData,omitempty"`
	ReasonForIncompletion string         `json:"reasonForIncompletion,omitempty"`
	CallbackAfterSeconds  int64          `json:"callbackAfterSeconds,omitempty"`
	WorkerID              string         `json:"workerId,omitempty"`
	Logs                  []TaskExecLog  `json:"logs,omitempty"`
	SubWorkflowID         string         `json:"subWorkflowId,omitempty"`
	ExtendLease           bool           `json:"extendLease,omitempty"`
}

// TaskExecLog is one log line a worker attached to a task.
type TaskExecLog struct {
	Log         string `json:"log"`
	TaskID      string `json:"taskId"`
	CreatedTime int64  `json:"createdTime"`
}

// PollData records the last poll of a queue (Conductor's PollData).
type PollData struct {
	QueueName    string `json:"queueName"`
	Domain       string `json:"domain,omitempty"`
	WorkerID     string `json:"workerId,omitempty"`
	LastPollTime int64  `json:"lastPollTime"`
}
