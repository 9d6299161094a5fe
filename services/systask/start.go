package systask

import (
	"context"
	"fmt"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/workflow"
)

// runStartWorkflow starts the workflow a START_WORKFLOW task describes in
// its input's startWorkflow and completes the task with its id.
func (s *Service) runStartWorkflow(ctx context.Context, t *api.Task) {
	res := api.TaskResult{WorkflowInstanceID: t.WorkflowInstanceID, TaskID: t.TaskID, WorkerID: api.SystemWorkerID}
	req := &api.StartWorkflowRequest{}
	err := api.Recode(t.InputData["startWorkflow"], req)
	if err != nil || t.InputData["startWorkflow"] == nil {
		err = api.Errorf(api.KindInvalid, "START_WORKFLOW needs a startWorkflow object in its input")
	}
	if err == nil && req.WorkflowDef != nil {
		req.WorkflowDef.ApplyDefaults()
		if verr := req.WorkflowDef.Validate(); verr != nil {
			err = api.Errorf(api.KindInvalid, "invalid workflowDef: %v", verr)
		}
	}
	if err == nil {
		err = s.childStart(ctx, t, req)
	}
	var id string
	if err == nil {
		id, err = s.opts.History.StartWorkflow(ctx, req)
	}
	if err != nil {
		if ctx.Err() != nil {
			return // shutting down: the response timeout re-runs it
		}
		res.Status, res.ReasonForIncompletion = startFailure(err), err.Error()
	} else {
		res.Status, res.OutputData = api.TaskCompleted, map[string]any{"workflowId": id}
	}
	s.report(ctx, &res)
}

// runSubWorkflow starts a SUB_WORKFLOW task's child and reports the task
// IN_PROGRESS with its id; the child's end finishes it (history's notes).
func (s *Service) runSubWorkflow(ctx context.Context, t *api.Task) {
	res := api.TaskResult{WorkflowInstanceID: t.WorkflowInstanceID, TaskID: t.TaskID, WorkerID: api.SystemWorkerID}
	in := t.InputData
	req := &api.StartWorkflowRequest{ParentWorkflowID: t.WorkflowInstanceID, ParentWorkflowTaskID: t.TaskID}
	req.Name, _ = in[decider.SubWorkflowNameKey].(string)
	req.Version, _ = decider.IntOf(in[decider.SubWorkflowVersionKey])
	req.Input, _ = in[decider.SubWorkflowInputKey].(map[string]any)
	if len(req.Input) == 0 {
		req.Input = in // upstream: the whole task input
	}
	var err error
	if d := in[decider.SubWorkflowDefinitionKey]; d != nil {
		def := &workflow.WorkflowDef{}
		if err = api.Recode(d, def); err == nil {
			def.ApplyDefaults()
			err = def.Validate()
		}
		if err != nil {
			err = api.Errorf(api.KindInvalid, "invalid subWorkflowDefinition: %v", err)
		}
		req.WorkflowDef, req.Name = def, def.Name
	}
	if err == nil {
		err = s.childStart(ctx, t, req)
	}
	if m, ok := in[decider.SubWorkflowTaskToDomainKey].(map[string]any); ok && err == nil {
		req.TaskToDomain = make(map[string]string, len(m))
		for k, v := range m {
			req.TaskToDomain[k] = fmt.Sprint(v)
		}
	}
	if p, ok := decider.IntOf(in[decider.SubWorkflowPriorityKey]); ok {
		req.Priority = p
	}
	var id string
	if err == nil && req.Name == "" {
		err = api.Errorf(api.KindInvalid, "SUB_WORKFLOW has no subWorkflowName")
	}
	if err == nil {
		id, err = s.opts.History.StartWorkflow(ctx, req)
	}
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		res.Status, res.ReasonForIncompletion = startFailure(err), err.Error()
		s.report(ctx, &res)
		return
	}
	res.Status, res.SubWorkflowID = api.TaskInProgress, id
	res.OutputData = map[string]any{decider.SubWorkflowIDKey: id}
	s.report(ctx, &res)
	s.endOrphan(ctx, t.TaskID, id)
}

// endOrphan terminates child if the attempt taskID it was started for
// ended while the start was in flight (the parent was terminated, say):
// nobody waits for the child then.
func (s *Service) endOrphan(ctx context.Context, taskID, child string) {
	pt, err := s.opts.History.Task(ctx, taskID)
	var reason string
	switch {
	case api.KindOf(err) == api.KindNotFound: // dropped by a restart or rerun of the parent
		reason = "Parent task " + taskID + " no longer exists"
	case err != nil:
		return // unknown: the child runs on, as after a crash here
	case api.TaskTerminal(pt.Status) && pt.SubWorkflowID != child:
		reason = "Parent task " + taskID + " is " + pt.Status
	default:
		return
	}
	err = s.opts.History.Terminate(ctx, child, reason)
	switch api.KindOf(err) {
	case api.KindConflict, api.KindNotFound:
		err = nil // it has ended already, or is gone
	}
	if err != nil && ctx.Err() == nil {
		s.log.Warn("systask: terminating an orphaned child failed", "workflow_id", child, "task_id", taskID, "err", err)
	}
}

// childStart fills in what a started workflow inherits from the parent
// of task t (correlationId, taskToDomain, priority, when not set) and
// makes the start idempotent per task attempt.
func (s *Service) childStart(ctx context.Context, t *api.Task, req *api.StartWorkflowRequest) error {
	parent, err := s.opts.History.Workflow(ctx, t.WorkflowInstanceID, false)
	if err != nil {
		return fmt.Errorf("systask: reading the parent workflow: %w", err)
	}
	if req.CorrelationID == "" {
		req.CorrelationID = parent.CorrelationID
	}
	if req.TaskToDomain == nil && len(parent.TaskToDomain) > 0 {
		req.TaskToDomain = parent.TaskToDomain
	}
	if req.Priority == 0 {
		req.Priority = parent.Priority
	}
	if req.WorkflowDef != nil && req.Name == "" {
		req.Name = req.WorkflowDef.Name
	}
	req.IdempotencyKey, req.IdempotencyStrategy = t.TaskID, api.IdempotencyReturnExisting
	return nil
}

// startFailure is the task status a failed start reports: a request that
// can never succeed fails for good; anything else follows retry rules.
func startFailure(err error) string {
	switch api.KindOf(err) {
	case api.KindNotFound, api.KindInvalid, api.KindConflict:
		return api.TaskFailedWithTerminalError
	}
	return api.TaskFailed
}
