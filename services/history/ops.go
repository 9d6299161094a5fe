package history

import (
	"context"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/decider"
)

// The operator's controls beyond pause and resume (api.go): each is one
// input to the workflow's decider, committed in its shard's round.

// Retry reopens a FAILED, TIMED_OUT or TERMINATED workflow where it
// failed: new attempts of its failed tasks, retry limits notwithstanding.
// With resumeSubworkflowTasks, a failed SUB_WORKFLOW task whose child can
// be retried retries that child (and so on down) and waits for it rather
// than starting a new one. Then the workflow's parent is resumed
// (resumeParent).
func (s *Service) Retry(ctx context.Context, workflowID string, resumeSubworkflowTasks bool) error {
	if err := s.retry(ctx, workflowID, resumeSubworkflowTasks); err != nil {
		return err
	}
	s.resumeParent(ctx, workflowID)
	return nil
}

// retry retries one workflow; with resumeChildren, its failed children
// first.
func (s *Service) retry(ctx context.Context, workflowID string, resumeChildren bool) error {
	r := &decider.Retry{}
	if resumeChildren {
		st, err := s.state(ctx, workflowID)
		if err != nil {
			return s.notFound(err, workflowID)
		}
		// Only below an ended workflow: a running one refuses the retry,
		// and its children must be left alone then.
		if api.WorkflowTerminal(st.Status) && st.Status != api.WorkflowCompleted {
			for _, t := range decider.ResumableSubWorkflows(st) {
				if s.retry(ctx, decider.SubWorkflowID(t), true) == nil {
					r.Resume = append(r.Resume, t.ID)
				}
			}
		}
	}
	return s.operate(ctx, &request{workflowID: workflowID, in: decider.Input{Retry: r}})
}

// resumeParent is upstream's "parents set RUNNING": when a child runs
// again (retried, restarted or rerun), its ended parent is retried with
// the SUB_WORKFLOW task that started the child waiting for it again, and
// so on up. A parent that has moved on (running, completed, or with a
// newer attempt of that task) is left alone.
func (s *Service) resumeParent(ctx context.Context, workflowID string) {
	st, err := s.state(ctx, workflowID)
	if err != nil || st.ParentWorkflowID == "" {
		return
	}
	parent, err := s.state(ctx, st.ParentWorkflowID)
	if err != nil || !api.WorkflowTerminal(parent.Status) {
		return
	}
	pt := parent.Task(st.ParentWorkflowTaskID)
	if pt == nil || decider.SubWorkflowID(pt) != workflowID {
		return
	}
	err = s.operate(ctx, &request{workflowID: parent.WorkflowID, in: decider.Input{Retry: &decider.Retry{Resume: []string{pt.ID}}}})
	if err != nil {
		if api.KindOf(err) != api.KindConflict && ctx.Err() == nil {
			s.opts.Logger.Warn("history: resuming a parent workflow failed", "workflow_id", parent.WorkflowID, "err", err)
		}
		return
	}
	s.resumeParent(ctx, parent.WorkflowID)
}

// Restart runs an ended workflow again from the start under the same id
// and input; with useLatest, on the latest version of its definition and
// the current task definitions. Its parent is resumed (resumeParent).
func (s *Service) Restart(ctx context.Context, workflowID string, useLatest bool) error {
	in := &decider.Restart{}
	r := &request{workflowID: workflowID, in: decider.Input{Restart: in}}
	if useLatest {
		st, err := s.state(ctx, workflowID)
		if err != nil {
			return s.notFound(err, workflowID)
		}
		res, err := s.defs.resolve(ctx, &api.StartWorkflowRequest{Name: st.Name})
		if err != nil {
			return apiError(err)
		}
		in.Def, in.DefHash, r.start = res.def, res.hash, res
	}
	if err := s.operate(ctx, r); err != nil {
		return err
	}
	s.resumeParent(ctx, workflowID)
	return nil
}

// Rerun reruns an ended workflow from the start or from one of its tasks;
// its parent is resumed (resumeParent).
func (s *Service) Rerun(ctx context.Context, workflowID string, req *api.RerunWorkflowRequest) error {
	err := s.operate(ctx, &request{workflowID: workflowID, in: decider.Input{Rerun: &decider.Rerun{
		TaskID: req.ReRunFromTaskID, Input: req.WorkflowInput, TaskInput: req.TaskInput, CorrelationID: req.CorrelationID,
	}}})
	if err != nil {
		return err
	}
	s.resumeParent(ctx, workflowID)
	return nil
}

// SkipTask marks a task the running workflow has not reached yet SKIPPED.
func (s *Service) SkipTask(ctx context.Context, workflowID, ref string) error {
	return s.operate(ctx, &request{workflowID: workflowID, in: decider.Input{Skip: &decider.Skip{Ref: ref}}})
}

// ResetCallbacks offers the workflow's delayed SCHEDULED tasks at once.
func (s *Service) ResetCallbacks(ctx context.Context, workflowID string) error {
	return s.operate(ctx, &request{workflowID: workflowID, in: decider.Input{ResetCallbacks: true}})
}

// Decide runs a decision now, as a timer would: deadlines that have
// passed are acted on.
func (s *Service) Decide(ctx context.Context, workflowID string) error {
	// A tick of a workflow that is gone is quietly ignored (a timer may
	// outlive it), so the operator's 404 comes from reading it first.
	if _, err := s.state(ctx, workflowID); err != nil {
		return s.notFound(err, workflowID)
	}
	return s.operate(ctx, &request{workflowID: workflowID, in: decider.Input{Tick: true}})
}

func (s *Service) operate(ctx context.Context, r *request) error {
	_, err := s.shardFor(r.workflowID).submit(ctx, r)
	return s.notFound(err, r.workflowID)
}
