package history

import (
	"context"
	"sync"

	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/persistence"
)

// Service is the history service: the shard owners and the read API.
type Service struct {
	opts    Options
	decider decider.Decider
	defs    *defs
	facts   *facts
	shards  []*shard
	stop    chan struct{}
	// notes carries committed news between parent and child workflows.
	notes *noteQueue
	// cancel ends the note runner's context.
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	closeMu sync.Once
}

// New builds the service. Call Start to recover and run the shards.
func New(opts Options) (*Service, error) {
	opts.EnsureDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	s := &Service{
		opts: opts,
		decider: decider.Decider{Getenv: opts.Getenv, Scripts: opts.Scripts,
			Retention: opts.Retention.Milliseconds(), Limits: opts.Limits},
		defs:  &defs{meta: opts.Meta, exec: opts.Exec},
		facts: newFacts(opts.Meta),
		stop:  make(chan struct{}),
		notes: newNoteQueue(),
	}
	for i := 0; i < opts.Shards; i++ {
		s.shards = append(s.shards, newShard(i, s))
	}
	return s, nil
}

// Start loads the facts the decider reads (facts.go), recovers every shard from the store — re-arming its timers,
// telling matching which polled tasks are still IN_PROGRESS (occupy.go),
// re-offering its pending dispatches to matching and handing its unhandled
// published messages to the EventSink again — and starts its owner.
func (s *Service) Start(ctx context.Context) error {
	if err := s.facts.refresh(ctx); err != nil {
		return err
	}
	timers := make([][]persistence.Timer, len(s.shards))
	for i, sh := range s.shards {
		ts, err := s.opts.Exec.Timers(ctx, sh.id)
		if err != nil {
			return err
		}
		timers[i] = ts
		for _, t := range ts {
			sh.timers.set(t.WorkflowID, t.At)
		}
	}
	if err := s.occupy(ctx, timers); err != nil {
		return err
	}
	for _, sh := range s.shards {
		ds, err := s.opts.Exec.Dispatches(ctx, sh.id)
		if err != nil {
			return err
		}
		if len(ds) > 0 {
			s.opts.Matching.Dispatch(ctx, ds)
		}
		if s.opts.Events == nil {
			continue
		}
		ms, err := s.opts.Exec.Messages(ctx, sh.id)
		if err != nil {
			return err
		}
		if len(ms) > 0 {
			s.opts.Events.Publish(ms, sh.handled)
		}
	}
	for _, sh := range s.shards {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			sh.run(s.stop)
		}()
	}
	bgCtx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.runNotes(bgCtx)
	}()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.facts.watch(bgCtx, func(err error) {
			s.opts.Logger.Warn("history: reloading task definitions failed", "err", err)
		})
	}()
	return nil
}

// Close stops the shard owners and waits for them. Inputs still queued get
// ErrClosed; nothing they asked for was committed.
func (s *Service) Close() {
	s.closeMu.Do(func() {
		if s.cancel != nil {
			s.cancel()
		}
		close(s.stop)
	})
	s.wg.Wait()
}

func (s *Service) now() int64 { return s.opts.Now().UnixMilli() }

// shardFor maps a workflow id to its shard (persistence.ShardOf).
func (s *Service) shardFor(workflowID string) *shard {
	return s.shards[persistence.ShardOf(workflowID, len(s.shards))]
}
