package systask

import (
	"context"
	"time"

	"github.com/legatohq/legato/pkg/api"
)

// Matching is what the runners need from the matching service: polling
// the engine's own queues (api.SystemDomain). Poll waits up to timeout
// for at most count tasks, each already recorded as started by history.
type Matching interface {
	Poll(ctx context.Context, taskType, domain, workerID string, count int, timeout time.Duration) ([]*api.Task, error)
}

// History is what the runners need from the history service's public
// API: starting workflows, reporting results, terminating a child nobody
// waits for, and reading the parent a started workflow inherits from and
// the task a child was started for. Errors are *api.Error values whose
// Kind tells not found from conflict.
type History interface {
	StartWorkflow(ctx context.Context, req *api.StartWorkflowRequest) (string, error)
	UpdateTask(ctx context.Context, res *api.TaskResult) (api.TaskQueue, error)
	Terminate(ctx context.Context, workflowID, reason string) error
	Workflow(ctx context.Context, workflowID string, includeTasks bool) (*api.Workflow, error)
	Task(ctx context.Context, taskID string) (*api.Task, error)
}
