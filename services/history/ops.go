package history

import (
	"context"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/workflow"
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
		st, err := s.loadState(ctx, workflowID)
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
	st, err := s.loadState(ctx, workflowID)
	if err != nil || st.ParentWorkflowID == "" {
		return
	}
	parent, err := s.loadState(ctx, st.ParentWorkflowID)
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
		st, err := s.loadState(ctx, workflowID)
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

// Rerun reruns an ended workflow from the start or from one of its tasks,
// which may be a task of one of its children (at any depth, as upstream
// searches them): then that child is rerun from it, and each workflow
// above it from the SUB_WORKFLOW task that started the one below, which
// waits for it. The workflow's own parent is resumed (resumeParent).
func (s *Service) Rerun(ctx context.Context, workflowID string, req *api.RerunWorkflowRequest) error {
	in := &decider.Rerun{TaskID: req.ReRunFromTaskID, Input: req.WorkflowInput, TaskInput: req.TaskInput, CorrelationID: req.CorrelationID}
	if in.TaskID != "" {
		st, err := s.loadState(ctx, workflowID)
		if err != nil {
			return s.notFound(err, workflowID)
		}
		if st.Task(in.TaskID) == nil {
			if path := s.pathTo(ctx, st, in.TaskID); path != nil {
				if err := s.rerunPath(ctx, path, in.TaskID, in.TaskInput); err != nil {
					return err
				}
				in.TaskID, in.TaskInput, in.ResumeChild = path[0].row, nil, true
			}
		}
	}
	if err := s.operate(ctx, &request{workflowID: workflowID, in: decider.Input{Rerun: in}}); err != nil {
		return err
	}
	s.resumeParent(ctx, workflowID)
	return nil
}

// hop is one workflow on the way down to a task: its state and the row
// to rerun it from (the SUB_WORKFLOW row leading further down, or the
// task itself at the bottom).
type hop struct {
	st  *decider.State
	row string
}

// pathTo finds task taskID in the children of st's SUB_WORKFLOW rows, at
// any depth: the hops from st down to the child that has it, or nil.
func (s *Service) pathTo(ctx context.Context, st *decider.State, taskID string) []hop {
	for _, t := range st.Tasks {
		childID := decider.SubWorkflowID(t)
		if t.Type != workflow.TaskTypeSubWorkflow || childID == "" {
			continue
		}
		child, err := s.loadState(ctx, childID)
		if err != nil {
			continue
		}
		if child.Task(taskID) != nil {
			return []hop{{st, t.ID}, {child, taskID}}
		}
		if p := s.pathTo(ctx, child, taskID); p != nil {
			return append([]hop{{st, t.ID}}, p...)
		}
	}
	return nil
}

// rerunPath reruns the workflows of path below the top one, bottom up:
// the last from the task, with taskInput, each other one from its
// SUB_WORKFLOW row, waiting for its rerun child. Every hop, the top one
// too, is checked first, so that a refusal changes nothing.
func (s *Service) rerunPath(ctx context.Context, path []hop, taskID string, taskInput map[string]any) error {
	for _, h := range path {
		if !api.WorkflowTerminal(h.st.Status) {
			return api.Errorf(api.KindConflict, "workflow %s is %s; only an ended workflow can be rerun", h.st.WorkflowID, h.st.Status)
		}
		if err := decider.CanRerunFrom(h.st, h.row); err != nil {
			return apiError(err)
		}
	}
	for i := len(path) - 1; i > 0; i-- {
		in := &decider.Rerun{TaskID: path[i].row, ResumeChild: true}
		if i == len(path)-1 {
			in = &decider.Rerun{TaskID: taskID, TaskInput: taskInput}
		}
		if err := s.operate(ctx, &request{workflowID: path[i].st.WorkflowID, in: decider.Input{Rerun: in}}); err != nil {
			return err
		}
	}
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
	if _, err := s.loadState(ctx, workflowID); err != nil {
		return s.notFound(err, workflowID)
	}
	return s.operate(ctx, &request{workflowID: workflowID, in: decider.Input{Tick: true}})
}

func (s *Service) operate(ctx context.Context, r *request) error {
	_, err := s.shardFor(r.workflowID).submit(ctx, r)
	return s.notFound(err, r.workflowID)
}
