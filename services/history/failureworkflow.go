package history

import (
	"context"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/decider"
)

// Failure workflows (the decider's failureworkflow.go). The round that
// commits a failed workflow's end, or a retry of its pending start, leaves
// a note; the note runner starts the failure workflow under the id the
// end chose (so a repeated start finds it) and records the start in the
// failed workflow. A note lost in a crash is made good by the failed
// workflow's deadline, which brings a Tick and with it a new note.

// startFailureWorkflow starts the failure workflow of failedID and records
// the start, or why it cannot start, in failedID. Errors that may pass
// (a closed service, a failed commit) are returned for the retry to redo.
func (s *Service) startFailureWorkflow(ctx context.Context, failedID string) error {
	st, err := s.loadState(ctx, failedID)
	if err != nil {
		return err
	}
	f := st.FailureWorkflow
	if f == nil || !f.Pending {
		return nil
	}
	req := &api.StartWorkflowRequest{
		Name: f.Name, Version: f.Version, Input: failureInput(st),
		CorrelationID: st.CorrelationID, TaskToDomain: st.TaskToDomain,
		WorkflowID: f.ID, IdempotencyKey: "failureWorkflow:" + failedID, IdempotencyStrategy: api.IdempotencyReturnExisting,
	}
	var reason string
	if _, err := s.StartWorkflow(ctx, req); err != nil {
		switch api.KindOf(err) {
		case api.KindNotFound, api.KindInvalid, api.KindConflict:
			reason = err.Error() // it will never start
		default:
			return err
		}
	}
	_, err = s.shardFor(failedID).submit(ctx, &request{workflowID: failedID,
		in: decider.Input{FailureWorkflowStarted: &decider.FailureWorkflowStarted{Error: reason}}})
	return err
}

// failureInput is a failure workflow's input, as upstream: the failed
// workflow's input with its id, reason, status, failed task and the whole
// failed execution.
func failureInput(st *decider.State) map[string]any {
	in := make(map[string]any, len(st.Input)+5)
	for k, v := range st.Input {
		in[k] = v
	}
	in["workflowId"] = st.WorkflowID
	in["reason"] = st.Reason
	in["failureStatus"] = st.Status
	if len(st.FailedRefs) > 0 {
		if t := st.Latest(st.FailedRefs[0]); t != nil {
			in["failureTaskId"] = t.ID
		}
	}
	var failed map[string]any
	if err := api.Recode(decider.WorkflowView(st, true), &failed); err == nil {
		in["failedWorkflow"] = failed
	}
	return in
}
