package frontend

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
)

// backend stands in for the history and matching services in routing
// tests, which check only what the frontend sends and how it renders the
// answers; the services' behaviour is tested end to end over the real
// binary. It records each call as one line and answers with the canned
// values below.
type backend struct {
	mu    sync.Mutex
	calls []string

	err      error // returned by every History call when set
	panicMsg string

	workflowID string
	workflow   *api.Workflow
	workflows  []*api.Workflow
	ids        []string
	events     []events.Event
	task       *api.Task
	refTaskID  string
	logs       []api.TaskExecLog
	queue      []*api.Task // handed out by Poll, first first
	sizes      map[string]int
	pollData   []api.PollData
}

var (
	_ History  = (*backend)(nil)
	_ Matching = (*backend)(nil)
)

func (b *backend) record(format string, args ...any) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.calls = append(b.calls, fmt.Sprintf(format, args...))
	if b.panicMsg != "" {
		panic(b.panicMsg)
	}
	return b.err
}

// last returns the most recent call, "" when there was none.
func (b *backend) last() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.calls) == 0 {
		return ""
	}
	return b.calls[len(b.calls)-1]
}

func (b *backend) StartWorkflow(_ context.Context, req *api.StartWorkflowRequest) (string, error) {
	def := ""
	if req.WorkflowDef != nil {
		def = fmt.Sprintf(" def=%s/%d", req.WorkflowDef.Name, req.WorkflowDef.Version)
	}
	return b.workflowID, b.record("StartWorkflow name=%s version=%d cid=%s priority=%d input=%v%s",
		req.Name, req.Version, req.CorrelationID, req.Priority, req.Input, def)
}

func (b *backend) Workflow(_ context.Context, id string, includeTasks bool) (*api.Workflow, error) {
	return b.workflow, b.record("Workflow %s tasks=%v", id, includeTasks)
}

func (b *backend) Terminate(_ context.Context, id, reason string) error {
	return b.record("Terminate %s reason=%s", id, reason)
}

func (b *backend) Remove(_ context.Context, id string) error {
	return b.record("Remove %s", id)
}

func (b *backend) Correlated(_ context.Context, name, cid string, includeClosed, includeTasks bool) ([]*api.Workflow, error) {
	return b.workflows, b.record("Correlated %s %s closed=%v tasks=%v", name, cid, includeClosed, includeTasks)
}

func (b *backend) Running(_ context.Context, name string, version int) ([]string, error) {
	return b.ids, b.record("Running %s %d", name, version)
}

func (b *backend) Events(_ context.Context, id string) ([]events.Event, error) {
	return b.events, b.record("Events %s", id)
}

func (b *backend) UpdateTask(_ context.Context, res *api.TaskResult) error {
	return b.record("UpdateTask %s/%s %s worker=%s output=%v", res.WorkflowInstanceID, res.TaskID, res.Status, res.WorkerID, res.OutputData)
}

func (b *backend) UpdateTaskByRef(_ context.Context, wf, ref, status, worker string, output map[string]any) (string, error) {
	return b.refTaskID, b.record("UpdateTaskByRef %s %s %s worker=%s output=%v", wf, ref, status, worker, output)
}

func (b *backend) Task(_ context.Context, id string) (*api.Task, error) {
	return b.task, b.record("Task %s", id)
}

func (b *backend) AddTaskLog(_ context.Context, id, line string) error {
	return b.record("AddTaskLog %s %q", id, line)
}

func (b *backend) TaskLogs(_ context.Context, id string) ([]api.TaskExecLog, error) {
	return b.logs, b.record("TaskLogs %s", id)
}

func (b *backend) Poll(_ context.Context, taskType, domain, worker string, count int, timeout time.Duration) ([]*api.Task, error) {
	_ = b.record("Poll %s domain=%s worker=%s count=%d timeout=%v", taskType, domain, worker, count, timeout)
	b.mu.Lock()
	defer b.mu.Unlock()
	n := min(count, len(b.queue))
	out := b.queue[:n]
	b.queue = b.queue[n:]
	return out, nil
}

func (b *backend) QueueSize(taskType, domain string) int {
	_ = b.record("QueueSize %s domain=%s", taskType, domain)
	return b.sizes[taskType]
}

func (b *backend) PollData(taskType string) []api.PollData {
	_ = b.record("PollData %s", taskType)
	return b.pollData
}
