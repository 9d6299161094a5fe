package api

// WorkflowSummary is the read side's record of one workflow: Conductor's
// WorkflowSummary fields, with times as epoch ms (the API renders them as
// Conductor's UTC strings), plus what search and analytics need. The read
// side keeps, per WorkflowID, the summary with the highest EventVersion,
// so replays and reordering never move it back in time.
type WorkflowSummary struct {
	WorkflowID               string            `json:"workflowId"`
	WorkflowType             string            `json:"workflowType"`
	Version                  int               `json:"version"`
	CorrelationID            string            `json:"correlationId,omitempty"`
	Status                   string            `json:"status"`
	StartTime                int64             `json:"startTime"`
	UpdateTime               int64             `json:"updateTime,omitempty"`
	EndTime                  int64             `json:"endTime,omitempty"`
	Input                    string            `json:"input,omitempty"`
	Output                   string            `json:"output,omitempty"`
	InputSize                int64             `json:"inputSize,omitempty"`
	OutputSize               int64             `json:"outputSize,omitempty"`
	ReasonForIncompletion    string            `json:"reasonForIncompletion,omitempty"`
	ExecutionTime            int64             `json:"executionTime,omitempty"`
	Event                    string            `json:"event,omitempty"`
	FailedReferenceTaskNames string            `json:"failedReferenceTaskNames,omitempty"`
	FailedTaskNames          []string          `json:"failedTaskNames,omitempty"`
	Priority                 int               `json:"priority,omitempty"`
	CreatedBy                string            `json:"createdBy,omitempty"`
	TaskToDomain             map[string]string `json:"taskToDomain,omitempty"`
	IdempotencyKey           string            `json:"idempotencyKey,omitempty"`
	ParentWorkflowID         string            `json:"parentWorkflowId"`
	Classifier               string            `json:"classifier,omitempty"`

	// Legato's own fields.
	EventVersion   int64  `json:"eventVersion"`
	Shard          int    `json:"shard"`
	RootWorkflowID string `json:"rootWorkflowId,omitempty"`
	DurationMs     int64  `json:"durationMs,omitempty"`
	FailureReason  string `json:"failureReason,omitempty"` // normalized: ids and numbers masked, for grouping
	Archived       bool   `json:"archived,omitempty"`
}

// TaskSummary is the read side's record of one task attempt: Conductor's
// TaskSummary fields (times as epoch ms) plus what search and analytics
// need. Kept per TaskID by the highest EventVersion, like WorkflowSummary.
type TaskSummary struct {
	TaskID                string `json:"taskId"`
	WorkflowID            string `json:"workflowId"`
	WorkflowType          string `json:"workflowType"`
	CorrelationID         string `json:"correlationId,omitempty"`
	ScheduledTime         int64  `json:"scheduledTime"`
	StartTime             int64  `json:"startTime"`
	UpdateTime            int64  `json:"updateTime"`
	EndTime               int64  `json:"endTime"`
	Status                string `json:"status"`
	ReasonForIncompletion string `json:"reasonForIncompletion,omitempty"`
	ExecutionTime         int64  `json:"executionTime"`
	QueueWaitTime         int64  `json:"queueWaitTime"`
	TaskDefName           string `json:"taskDefName"`
	TaskType              string `json:"taskType"`
	Input                 string `json:"input,omitempty"`
	Output                string `json:"output,omitempty"`
	WorkflowPriority      int    `json:"workflowPriority,omitempty"`
	Domain                string `json:"domain,omitempty"`

	// Legato's own fields.
	ReferenceTaskName string `json:"referenceTaskName"`
	RetryCount        int    `json:"retryCount"`
	Seq               int    `json:"seq"`
	WorkerID          string `json:"workerId,omitempty"`
	Iteration         int    `json:"iteration,omitempty"`
	EventVersion      int64  `json:"eventVersion"`
	FailureReason     string `json:"failureReason,omitempty"`
	WorkflowStartTime int64  `json:"workflowStartTime"` // picks the time partition
}
