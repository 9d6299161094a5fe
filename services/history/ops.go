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
func (s *Service) Retry(ctx context.Context, workflowID string) error {
	return s.operate(ctx, &request{workflowID: workflowID, in: decider.Input{Retry: true}})
}

// Restart runs an ended workflow again from the start under the same id
// and input; with useLatest, on the latest version of its definition and
// the current task definitions.
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
	return s.operate(ctx, r)
}

// Rerun reruns an ended workflow from the start or from one of its tasks.
func (s *Service) Rerun(ctx context.Context, workflowID string, req *api.RerunWorkflowRequest) error {
	return s.operate(ctx, &request{workflowID: workflowID, in: decider.Input{Rerun: &decider.Rerun{
		TaskID: req.ReRunFromTaskID, Input: req.WorkflowInput, TaskInput: req.TaskInput, CorrelationID: req.CorrelationID,
	}}})
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
