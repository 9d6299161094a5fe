package decider

import "github.com/legatohq/legato/pkg/workflow"

// State is a workflow's mutable state: fold(events). Its JSON form is the
// snapshot the history service stores beside the events.
type State struct {
	WorkflowID           string            `json:"id"`
	Name                 string            `json:"name"`
	Version              int               `json:"version"`
	DefHash              string            `json:"defHash"`
	Status               string            `json:"status"`
	Input                map[string]any    `json:"input,omitempty"`
	Output               map[string]any    `json:"output,omitempty"`
	Variables            map[string]any    `json:"variables,omitempty"`
	CorrelationID        string            `json:"correlationId,omitempty"`
	Priority             int               `json:"priority,omitempty"`
	TaskToDomain         map[string]string `json:"taskToDomain,omitempty"`
	CreatedBy            string            `json:"createdBy,omitempty"`
	IdempotencyKey       string            `json:"idempotencyKey,omitempty"`
	ParentWorkflowID     string            `json:"parentWorkflowId,omitempty"`
	ParentWorkflowTaskID string            `json:"parentWorkflowTaskId,omitempty"`
	CreateTime           int64             `json:"createTime"`
	UpdateTime           int64             `json:"updateTime,omitempty"`
	EndTime              int64             `json:"endTime,omitempty"`
	Reason               string            `json:"reason,omitempty"`
	FailedRefs           []string          `json:"failedRefs,omitempty"`
	FailedTaskNames      []string          `json:"failedTaskNames,omitempty"`
	Tasks                []*Task           `json:"tasks,omitempty"`
	// Removed counts the rows TasksRemoved folded away (keepLastN): a new
	// row's seq is len(Tasks)+Removed+1, so ids stay unique.
	Removed     int   `json:"removed,omitempty"`
	LastEventID int64 `json:"lastEventId"`
	// Deferred lists, in order, the tasks that ended while the workflow
	// was PAUSED: their successors are scheduled on resume (pause.go).
	Deferred []string `json:"deferred,omitempty"`
	// TimeoutSeconds is the workflow's timeout (TIME_OUT_WF only), counted
	// from LastRetriedTime, or CreateTime before any resume or retry.
	TimeoutSeconds int64 `json:"timeoutSeconds,omitempty"`
	// FailureWorkflow is the compensation workflow the end asked for.
	FailureWorkflow *FailureWorkflow `json:"failureWorkflow,omitempty"`
	// LastRetriedTime is when the workflow was last resumed, or retried,
	// restarted or rerun by an operator (Conductor's lastRetriedTime): a workflow timeout counts
	// from it rather than from CreateTime.
	LastRetriedTime int64 `json:"lastRetriedTime,omitempty"`
	// Generation counts the restarts and reruns, which drop task rows: it
	// is part of every new task id, so no id is ever reused (ids.go).
	Generation int `json:"generation,omitempty"`

	// Def is the definition snapshot named by DefHash; the caller sets it.
	Def *workflow.WorkflowDef `json:"-"`
	// SnapshotAt is the LastEventID of the stored snapshot, 0 while there
	// is none. It is not part of fold(events): the caller sets it when it
	// loads the state and after it stores a snapshot (Result.Snapshot).
	SnapshotAt int64 `json:"-"`
	// ix indexes the rows (index.go); nil until first needed.
	ix *index
}

// FailureWorkflow is a failed workflow's compensation workflow. Pending
// until its start is recorded; RetryAt is when to try the start again.
type FailureWorkflow struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Version int    `json:"version,omitempty"`
	Pending bool   `json:"pending,omitempty"`
	RetryAt int64  `json:"retryAt,omitempty"`
}

// Task is one attempt of one task.
type Task struct {
	ID                     string         `json:"id"`
	Ref                    string         `json:"ref"`
	Type                   string         `json:"type"`
	DefName                string         `json:"defName"`
	Seq                    int            `json:"seq"`
	Status                 string         `json:"status"`
	Input                  map[string]any `json:"input,omitempty"`
	Output                 map[string]any `json:"output,omitempty"`
	RetryCount             int            `json:"retryCount,omitempty"`
	RetriedTaskID          string         `json:"retriedTaskId,omitempty"`
	Retried                bool           `json:"retried,omitempty"`
	ScheduledTime          int64          `json:"scheduledTime"`
	StartTime              int64          `json:"startTime,omitempty"`
	FirstStartTime         int64          `json:"firstStartTime,omitempty"`
	EndTime                int64          `json:"endTime,omitempty"`
	UpdateTime             int64          `json:"updateTime,omitempty"`
	PollCount              int            `json:"pollCount,omitempty"`
	WorkerID               string         `json:"workerId,omitempty"`
	Reason                 string         `json:"reason,omitempty"`
	Domain                 string         `json:"domain,omitempty"`
	CallbackAfterSeconds   int64          `json:"callbackAfterSeconds,omitempty"`
	ResponseTimeoutSeconds int64          `json:"responseTimeoutSeconds,omitempty"`
	StartDelaySeconds      int64          `json:"startDelaySeconds,omitempty"`
	TimeoutSeconds         int64          `json:"timeoutSeconds,omitempty"`
	PollTimeoutSeconds     int64          `json:"pollTimeoutSeconds,omitempty"`
	DispatchAt             int64          `json:"dispatchAt,omitempty"`
	// WaitUntil is when an IN_PROGRESS WAIT task completes by itself; on
	// a DO_WHILE, when it starts the iteration it has yielded (loop.go).
	WaitUntil int64 `json:"waitUntil,omitempty"`
	// Iteration is the DO_WHILE iteration (from 1) a loop-body row belongs
	// to, read from its reference name ref__n; on a DO_WHILE row, the
	// iteration running now (its output's "iteration"). 0 outside loops.
	Iteration int `json:"iteration,omitempty"`
	// Awaiting marks an asyncComplete HTTP or KAFKA_PUBLISH task whose call
	// succeeded: it waits IN_PROGRESS for an update from outside, with no
	// response timeout. Apply sets it from an IN_PROGRESS TaskUpdated of
	// such a row (only that path emits one).
	Awaiting bool `json:"awaiting,omitempty"`
}
