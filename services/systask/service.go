package systask

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/httptask"
	"github.com/legatohq/legato/pkg/kafkatask"
	"github.com/legatohq/legato/pkg/workflow"
)

// pollRetry is the pause after a failed poll (matching closing, or
// unreachable in the distributed mode) before polling again.
const pollRetry = time.Second

// Service runs the system-task pollers. Start it once; Close stops them
// and waits for every call in flight.
type Service struct {
	opts Options
	log  *slog.Logger

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New returns a Service for opts, or an error wrapping ErrInvalidOptions.
func New(opts Options) (*Service, error) {
	opts.EnsureDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return &Service{opts: opts, log: opts.Logger}, nil
}

// Start starts the pollers. They run until Close: ctx's values reach the
// calls, its cancellation does not.
func (s *Service) Start(ctx context.Context) {
	ctx, s.cancel = context.WithCancel(context.WithoutCancel(ctx))
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.run(ctx)
	}()
}

// Close stops polling, cancels the calls in flight and waits for them to
// report. A task whose result is lost to the cancellation is offered
// again after its response timeout.
func (s *Service) Close() {
	if s.cancel != nil {
		s.cancel()
	}
	s.wg.Wait()
}

// run polls every system task type until ctx ends and waits for every
// call it started.
func (s *Service) run(ctx context.Context) {
	var calls sync.WaitGroup
	defer calls.Wait()
	var caller httptask.Caller
	defer caller.Close()
	var publisher kafkatask.Publisher
	defer publisher.Close()
	slots := make(chan struct{}, s.opts.Concurrency)
	run := map[string]func(context.Context, *api.Task){
		workflow.TaskTypeHTTP:          func(ctx context.Context, t *api.Task) { s.runHTTP(ctx, &caller, t) },
		workflow.TaskTypeKafkaPublish:  func(ctx context.Context, t *api.Task) { s.runKafka(ctx, &publisher, t) },
		workflow.TaskTypeSubWorkflow:   s.runSubWorkflow,
		workflow.TaskTypeStartWorkflow: s.runStartWorkflow,
	}
	var pollers sync.WaitGroup
	for typ, fn := range run {
		for range s.opts.Pollers {
			pollers.Go(func() {
				for ctx.Err() == nil {
					tasks, err := s.opts.Matching.Poll(ctx, typ, api.SystemDomain, api.SystemWorkerID,
						s.opts.Concurrency/s.opts.Pollers, s.opts.PollTimeout)
					if err != nil {
						s.log.Debug("systask: poll failed", "task_type", typ, "err", err)
						s.pause(ctx)
						continue
					}
					for _, t := range tasks {
						slots <- struct{}{}
						calls.Go(func() {
							defer func() { <-slots }()
							fn(ctx, t)
						})
					}
				}
			})
		}
	}
	pollers.Wait()
}

// pause waits pollRetry or until ctx ends.
func (s *Service) pause(ctx context.Context) {
	t := time.NewTimer(pollRetry)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// report applies a system task's result.
func (s *Service) report(ctx context.Context, res *api.TaskResult) {
	if _, err := s.opts.History.UpdateTask(ctx, res); err != nil && ctx.Err() == nil {
		s.log.Warn("systask: reporting a system task failed", "workflow_id", res.WorkflowInstanceID, "task_id", res.TaskID, "err", err)
	}
}
