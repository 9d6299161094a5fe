package history

import (
	"context"
	"sync"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/httptask"
	"github.com/legatohq/legato/pkg/kafkatask"
	"github.com/legatohq/legato/pkg/workflow"
)

// Async system tasks (HTTP, KAFKA_PUBLISH, SUB_WORKFLOW, START_WORKFLOW)
// run here, off
// the shard goroutines: the decider offers them on matching's engine-only
// queue (api.SystemDomain), pollers here take them — so their start is
// recorded like any worker's — perform the call or the start, and report
// the result with UpdateTask. A slow endpoint holds only one of these
// goroutines; a crash mid-call ends in the task's response timeout.
// Workflow starts are idempotent (children.go), so a retry after a crash
// never starts a second child for one attempt.

const (
	// systemWorkerID names the engine as the worker in task rows.
	systemWorkerID = "legato-system"
	// systemPollers long-poll each system queue; systemConcurrency bounds
	// the calls in flight.
	systemPollers     = 2
	systemConcurrency = 64
)

// runSystemTasks runs the pollers until ctx ends and waits for every call
// it started.
func (s *Service) runSystemTasks(ctx context.Context) {
	var calls sync.WaitGroup
	defer calls.Wait()
	var caller httptask.Caller
	defer caller.Close()
	var publisher kafkatask.Publisher
	defer publisher.Close()
	slots := make(chan struct{}, systemConcurrency)
	run := map[string]func(context.Context, *api.Task){
		workflow.TaskTypeHTTP:          func(ctx context.Context, t *api.Task) { s.runHTTP(ctx, &caller, t) },
		workflow.TaskTypeKafkaPublish:  func(ctx context.Context, t *api.Task) { s.runKafka(ctx, &publisher, t) },
		workflow.TaskTypeSubWorkflow:   s.runSubWorkflow,
		workflow.TaskTypeStartWorkflow: s.runStartWorkflow,
	}
	var pollers sync.WaitGroup
	for typ, fn := range run {
		for i := 0; i < systemPollers; i++ {
			pollers.Add(1)
			go func() {
				defer pollers.Done()
				for ctx.Err() == nil {
					tasks, err := s.opts.Matching.Poll(ctx, typ, api.SystemDomain, systemWorkerID, systemConcurrency/systemPollers, 5*time.Second)
					if err != nil {
						return // matching closed
					}
					for _, t := range tasks {
						slots <- struct{}{}
						calls.Add(1)
						go func() {
							defer func() { <-slots; calls.Done() }()
							fn(ctx, t)
						}()
					}
				}
			}()
		}
	}
	pollers.Wait()
}

// runHTTP performs one HTTP task and reports its result.
func (s *Service) runHTTP(ctx context.Context, caller *httptask.Caller, t *api.Task) {
	res := api.TaskResult{WorkflowInstanceID: t.WorkflowInstanceID, TaskID: t.TaskID, WorkerID: systemWorkerID}
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

// runKafka publishes one KAFKA_PUBLISH task's record and reports the
// result: COMPLETED once the brokers acknowledged it (IN_PROGRESS with
// asyncComplete), else FAILED with upstream's reason.
func (s *Service) runKafka(ctx context.Context, p *kafkatask.Publisher, t *api.Task) {
	res := api.TaskResult{WorkflowInstanceID: t.WorkflowInstanceID, TaskID: t.TaskID, WorkerID: systemWorkerID,
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
