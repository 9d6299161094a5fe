package systask

import (
	"context"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/kafkatask"
)

// runKafka publishes one KAFKA_PUBLISH task's record and reports the
// result: COMPLETED once the brokers acknowledged it (IN_PROGRESS with
// asyncComplete), else FAILED with upstream's reason.
func (s *Service) runKafka(ctx context.Context, p *kafkatask.Publisher, t *api.Task) {
	res := api.TaskResult{WorkflowInstanceID: t.WorkflowInstanceID, TaskID: t.TaskID, WorkerID: api.SystemWorkerID,
		Status: api.TaskCompleted}
	r, err := kafkatask.Parse(t.InputData)
	if err == nil {
		err = p.Publish(ctx, r)
	}
	switch {
	case err != nil:
		res.Status, res.ReasonForIncompletion = api.TaskFailed, err.Error()
	case decider.AsyncComplete(t):
		res.Status = api.TaskInProgress
	}
	s.report(ctx, &res)
}
