package systask

import (
	"context"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/httptask"
)

// runHTTP performs one HTTP task and reports its result.
func (s *Service) runHTTP(ctx context.Context, caller *httptask.Caller, t *api.Task) {
	res := api.TaskResult{WorkflowInstanceID: t.WorkflowInstanceID, TaskID: t.TaskID, WorkerID: api.SystemWorkerID}
	req, err := httptask.Parse(t.InputData)
	if err != nil {
		res.Status, res.ReasonForIncompletion = api.TaskFailedWithTerminalError, err.Error()
	} else {
		out := caller.Do(ctx, req)
		res.Status, res.OutputData, res.ReasonForIncompletion = out.Status, out.Output, out.Reason
		if out.Status == api.TaskCompleted && decider.AsyncComplete(t) {
			// asyncComplete: the call succeeded, but the task waits
			// IN_PROGRESS for an update from outside (the decider keeps it).
			res.Status = api.TaskInProgress
		}
	}
	s.report(ctx, &res)
}
