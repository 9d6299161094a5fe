package history

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/persistence"
)

// StartWorkflow starts an execution and returns its id once it is durable.
func (s *Service) StartWorkflow(ctx context.Context, req *api.StartWorkflowRequest) (string, error) {
	r, err := s.defs.resolve(ctx, req)
	if err != nil {
		return "", apiError(err)
	}
	id, err := startID(req)
	if err != nil {
		return "", err
	}
	_, err = s.shardFor(id).submit(ctx, &request{workflowID: id, start: r, in: decider.Input{Start: &decider.Start{
		WorkflowID: id, Def: r.def, DefHash: r.hash, Input: req.Input, CorrelationID: req.CorrelationID,
		Priority: req.Priority, TaskToDomain: req.TaskToDomain, CreatedBy: req.CreatedBy,
		IdempotencyKey: req.IdempotencyKey, ParentWorkflowID: req.ParentWorkflowID,
		ParentWorkflowTaskID: req.ParentWorkflowTaskID,
	}}})
	if errors.Is(err, decider.ErrExists) {
		if req.IdempotencyStrategy == api.IdempotencyReturnExisting {
			return id, nil
		}
		return "", api.Errorf(api.KindConflict, "workflow %s with idempotencyKey %q already exists: %s", req.Name, req.IdempotencyKey, id)
	}
	if err != nil {
		return "", err
	}
	return id, nil
}

// startID picks a new workflow's id. With an idempotency key the id is
// derived from the workflow name and the key, so every start with that key
// lands on the same id — in the same shard, which refuses the second start
// in its single-writer order, across restarts too. Upstream accepts the key
// and ignores it.
func startID(req *api.StartWorkflowRequest) (string, error) {
	if req.WorkflowID != "" && req.IdempotencyKey != "" {
		return req.WorkflowID, nil
	}
	if req.IdempotencyKey == "" {
		return uuid.NewString(), nil
	}
	switch req.IdempotencyStrategy {
	case "", api.IdempotencyFail, api.IdempotencyReturnExisting:
	default:
		return "", api.Errorf(api.KindInvalid, "idempotencyStrategy must be FAIL or RETURN_EXISTING, got %q", req.IdempotencyStrategy)
	}
	return uuid.NewSHA1(uuid.NameSpaceOID, []byte(req.Name+"\x00"+req.IdempotencyKey)).String(), nil
}

// UpdateTask applies a worker's result once it is durable and returns the
// task's queue. Results for finished tasks or workflows are accepted and
// ignored, as upstream does.
func (s *Service) UpdateTask(ctx context.Context, res *api.TaskResult) (api.TaskQueue, error) {
	if res.WorkflowInstanceID == "" || res.TaskID == "" {
		return api.TaskQueue{}, api.Errorf(api.KindInvalid, "workflowInstanceId and taskId are required")
	}
	r := &request{workflowID: res.WorkflowInstanceID, in: decider.Input{TaskResult: res}}
	for _, l := range res.Logs {
		l.TaskID = res.TaskID
		if l.CreatedTime == 0 {
			l.CreatedTime = s.now()
		}
		r.logs = append(r.logs, l)
	}
	out, err := s.shardFor(res.WorkflowInstanceID).submit(ctx, r)
	if api.KindOf(err) == api.KindNotFound {
		return api.TaskQueue{}, api.Errorf(api.KindNotFound, "No such task found by id: %s in workflow %s", res.TaskID, res.WorkflowInstanceID)
	}
	return out.Queue, err
}

// UpdateTaskByRef applies a status to the open task with that reference
// name and returns its id, or "" when no task with that name is open.
func (s *Service) UpdateTaskByRef(ctx context.Context, workflowID, ref, status, workerID string, output map[string]any) (string, error) {
	res, err := s.shardFor(workflowID).submit(ctx, &request{workflowID: workflowID, in: decider.Input{
		ResultByRef: &decider.ResultByRef{Ref: ref, Status: status, WorkerID: workerID, Output: output},
	}})
	return res.TaskID, err
}

// RecordTasksStarted records that a poller took each task, in one round
// per shard; the answers come back in the order of reqs.
func (s *Service) RecordTasksStarted(ctx context.Context, reqs []api.StartTask) []api.StartedTask {
	out := make([]api.StartedTask, len(reqs))
	pending := make([]*request, len(reqs))
	for i, q := range reqs {
		r := &request{workflowID: q.WorkflowID, done: make(chan reply, 1),
			in: decider.Input{TaskStarted: &decider.TaskStarted{TaskID: q.TaskID, WorkerID: q.WorkerID}}}
		if err := s.shardFor(q.WorkflowID).enqueue(ctx, r); err != nil {
			out[i].Err = err
			continue
		}
		pending[i] = r
	}
	for i, r := range pending {
		if r == nil {
			continue
		}
		select {
		case rep := <-r.done:
			out[i] = api.StartedTask{Task: rep.res.Task, Err: rep.err}
		case <-ctx.Done():
			out[i].Err = ctx.Err()
		case <-s.shardFor(r.workflowID).exited:
			out[i].Err = ErrClosed
		}
	}
	return out
}

// Terminate ends a running workflow, cancelling its open tasks.
func (s *Service) Terminate(ctx context.Context, workflowID, reason string) error {
	_, err := s.shardFor(workflowID).submit(ctx, &request{workflowID: workflowID,
		in: decider.Input{Terminate: &decider.Terminate{Reason: reason}}})
	return s.notFound(err, workflowID)
}

// Remove deletes a workflow and its history.
func (s *Service) Remove(ctx context.Context, workflowID string) error {
	_, err := s.shardFor(workflowID).submit(ctx, &request{workflowID: workflowID, in: decider.Input{Remove: true}})
	return s.notFound(err, workflowID)
}

// AddTaskLog stores a log line for a task.
func (s *Service) AddTaskLog(ctx context.Context, taskID, line string) error {
	wfID, err := s.opts.Exec.TaskWorkflow(ctx, taskID)
	if err != nil {
		return s.taskNotFound(err, taskID)
	}
	_, err = s.shardFor(wfID).submit(ctx, &request{workflowID: wfID,
		logs: []api.TaskExecLog{{Log: line, TaskID: taskID, CreatedTime: s.now()}}})
	return err
}

// Workflow reads an execution.
func (s *Service) Workflow(ctx context.Context, workflowID string, includeTasks bool) (*api.Workflow, error) {
	var w *api.Workflow
	if err := s.read(ctx, workflowID, func(st *decider.State) { w = decider.WorkflowView(st, includeTasks) }); err != nil {
		return nil, s.notFound(err, workflowID)
	}
	return w, nil
}

// Task reads one task attempt.
func (s *Service) Task(ctx context.Context, taskID string) (*api.Task, error) {
	wfID, err := s.opts.Exec.TaskWorkflow(ctx, taskID)
	if err != nil {
		return nil, s.taskNotFound(err, taskID)
	}
	var v *api.Task
	err = s.read(ctx, wfID, func(st *decider.State) {
		if t := st.Task(taskID); t != nil {
			v = decider.TaskView(st, t)
		}
	})
	if err == nil && v == nil {
		err = persistence.ErrNotFound
	}
	if err != nil {
		return nil, s.taskNotFound(err, taskID)
	}
	return v, nil
}

// TaskLogs reads a task's log lines.
func (s *Service) TaskLogs(ctx context.Context, taskID string) ([]api.TaskExecLog, error) {
	return s.opts.Exec.TaskLogs(ctx, taskID)
}

// Events returns a workflow's immutable history.
func (s *Service) Events(ctx context.Context, workflowID string) ([]events.Event, error) {
	evs, err := s.opts.Exec.Events(ctx, workflowID, 0)
	if err == nil && len(evs) == 0 {
		err = persistence.ErrNotFound
	}
	if err != nil {
		return nil, s.notFound(err, workflowID)
	}
	return evs, nil
}

// Correlated lists executions of a workflow name with a correlation id;
// only RUNNING ones unless includeClosed.
func (s *Service) Correlated(ctx context.Context, name, correlationID string, includeClosed, includeTasks bool) ([]*api.Workflow, error) {
	ids, err := s.opts.Exec.Correlated(ctx, name, correlationID)
	if err != nil {
		return nil, err
	}
	out := []*api.Workflow{}
	for _, id := range ids {
		var w *api.Workflow
		err := s.read(ctx, id, func(st *decider.State) {
			if includeClosed || st.Status == api.WorkflowRunning {
				w = decider.WorkflowView(st, includeTasks)
			}
		})
		if errors.Is(err, persistence.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if w != nil {
			out = append(out, w)
		}
	}
	return out, nil
}

// Running lists ids of non-terminal executions of a name and version.
func (s *Service) Running(ctx context.Context, name string, version int) ([]string, error) {
	ids, err := s.opts.Exec.Running(ctx, name, version)
	if ids == nil {
		ids = []string{}
	}
	return ids, err
}

// errNotCached says a shard's cache does not hold a workflow (read).
var errNotCached = errors.New("history: not cached")

// read renders workflowID's committed state with render: in its shard's
// round when the shard has it in memory, so that reading a 100,000-task
// workflow decodes nothing; else from the store, on the caller's goroutine.
// render must only read the state, and keep only values that later
// rounds replace rather than change (the views' maps are such).
func (s *Service) read(ctx context.Context, workflowID string, render func(*decider.State)) error {
	_, err := s.shardFor(workflowID).submit(ctx, &request{workflowID: workflowID, read: render})
	if !errors.Is(err, errNotCached) {
		return err
	}
	st, err := s.loadState(ctx, workflowID)
	if err != nil {
		return err
	}
	render(st)
	return nil
}

func (s *Service) notFound(err error, workflowID string) error {
	if errors.Is(err, persistence.ErrNotFound) {
		return api.Errorf(api.KindNotFound, "Workflow with id: %s not found.", workflowID)
	}
	return apiError(err)
}

func (s *Service) taskNotFound(err error, taskID string) error {
	if errors.Is(err, persistence.ErrNotFound) {
		return api.Errorf(api.KindNotFound, "No such task found by id: %s", taskID)
	}
	return apiError(err)
}

// Pause stops a running workflow from scheduling new tasks; its open tasks
// may still be polled and updated. Pausing a paused workflow does nothing;
// an ended one is a conflict.
func (s *Service) Pause(ctx context.Context, workflowID string) error {
	return s.operate(ctx, &request{workflowID: workflowID, in: decider.Input{Pause: true}})
}

// Resume lets a paused workflow schedule again, scheduling what the tasks
// that ended while it was paused lead to. Anything but PAUSED is a conflict.
func (s *Service) Resume(ctx context.Context, workflowID string) error {
	return s.operate(ctx, &request{workflowID: workflowID, in: decider.Input{Resume: true}})
}

// QueuePolled records that a worker polled a queue with a domain at at
// (epoch ms): taskToDomain lists pick the first domain polled lately.
// Matching calls it, without blocking, on a queue's first poll and then at
// most about once a second per queue.
func (s *Service) QueuePolled(q api.TaskQueue, at int64) { s.facts.polledAt(q, at) }

// TaskPage is a page of a workflow's task attempts in seq order, those
// with one of statuses (all when none), and how many match. Only the page
// is rendered.
func (s *Service) TaskPage(ctx context.Context, workflowID string, statuses []string, start, count int) (int, []*api.Task, error) {
	var total int
	var page []*api.Task
	err := s.read(ctx, workflowID, func(st *decider.State) { total, page = decider.TaskPage(st, statuses, start, count) })
	if err != nil {
		return 0, nil, s.notFound(err, workflowID)
	}
	return total, page, nil
}
