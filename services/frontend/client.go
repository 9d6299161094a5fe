package frontend

import (
	"context"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/visibility"
)

// History is what the frontend needs from the history service. Errors are
// *api.Error values (or wrap them) whose Kind picks the HTTP status.
type History interface {
	// StartWorkflow starts an execution and returns its id once durable.
	StartWorkflow(ctx context.Context, req *api.StartWorkflowRequest) (string, error)
	Workflow(ctx context.Context, workflowID string, includeTasks bool) (*api.Workflow, error)
	// TaskPage is a page of a workflow's task attempts in seq order,
	// those with one of statuses (all when none), and how many match.
	TaskPage(ctx context.Context, workflowID string, statuses []string, start, count int) (int, []*api.Task, error)
	Terminate(ctx context.Context, workflowID, reason string) error
	Remove(ctx context.Context, workflowID string) error
	// Pause stops a RUNNING workflow from scheduling; Resume undoes it.
	// A wrong state is a conflict.
	Pause(ctx context.Context, workflowID string) error
	Resume(ctx context.Context, workflowID string) error
	// Retry, Restart and Rerun reopen an ended workflow; SkipTask,
	// ResetCallbacks and Decide act on a live one. A wrong state is a
	// conflict; a rerun from an unknown task is invalid.
	Retry(ctx context.Context, workflowID string, resumeSubworkflowTasks bool) error
	Restart(ctx context.Context, workflowID string, useLatest bool) error
	Rerun(ctx context.Context, workflowID string, req *api.RerunWorkflowRequest) error
	SkipTask(ctx context.Context, workflowID, ref string) error
	ResetCallbacks(ctx context.Context, workflowID string) error
	Decide(ctx context.Context, workflowID string) error
	Correlated(ctx context.Context, name, correlationID string, includeClosed, includeTasks bool) ([]*api.Workflow, error)
	Running(ctx context.Context, name string, version int) ([]string, error)
	Events(ctx context.Context, workflowID string) ([]events.Event, error)
	// Watch returns a channel closed at the workflow's next commit, and a
	// func to call when no longer waiting.
	Watch(workflowID string) (<-chan struct{}, func())

	// UpdateTask applies a worker's result once durable and returns the
	// queue of the task.
	UpdateTask(ctx context.Context, res *api.TaskResult) (api.TaskQueue, error)
	// UpdateTaskByRef applies a result to the non-terminal task with that
	// reference name; it returns the task id, or "" when there is none.
	UpdateTaskByRef(ctx context.Context, workflowID, ref, status, workerID string, output map[string]any) (string, error)
	Task(ctx context.Context, taskID string) (*api.Task, error)
	AddTaskLog(ctx context.Context, taskID, line string) error
	TaskLogs(ctx context.Context, taskID string) ([]api.TaskExecLog, error)
}

// Search is what the frontend needs from the read side
// (visibility.Store has it).
type Search interface {
	SearchWorkflows(ctx context.Context, q visibility.Query) (*visibility.Page[api.WorkflowSummary], error)
	SearchTasks(ctx context.Context, q visibility.Query) (*visibility.Page[api.TaskSummary], error)
}

// Analytics is what the frontend needs for the analytics endpoints and
// the workflow count (visibility.Analytics has it).
type Analytics interface {
	CountWorkflows(ctx context.Context, q visibility.CountQuery) (*visibility.Count, error)
	WorkflowCounts(ctx context.Context, q visibility.HistogramQuery) (*visibility.Histogram, error)
	WorkflowDurations(ctx context.Context, q visibility.DurationsQuery) (*visibility.Durations, error)
	TaskDurations(ctx context.Context, q visibility.DurationsQuery) (*visibility.Durations, error)
	TopFailures(ctx context.Context, q visibility.FailuresQuery) (*visibility.Failures, error)
}

// Matching is what the frontend needs from the matching service.
type Matching interface {
	Poll(ctx context.Context, taskType, domain, workerID string, count int, timeout time.Duration) ([]*api.Task, error)
	QueueSize(taskType, domain string) int
	PollData(taskType string) []api.PollData
}
