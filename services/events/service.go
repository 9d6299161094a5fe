package events

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/eventhandler"
	"github.com/legatohq/legato/pkg/persistence"
)

// History is what the events service needs from the history service.
type History interface {
	StartWorkflow(ctx context.Context, req *api.StartWorkflowRequest) (string, error)
	UpdateTask(ctx context.Context, res *api.TaskResult) (api.TaskQueue, error)
	UpdateTaskByRef(ctx context.Context, workflowID, ref, status, workerID string, output map[string]any) (string, error)
	Task(ctx context.Context, taskID string) (*api.Task, error)
}

// Notifier is the optional capability of a MetadataStore that wakes its
// readers at the next write (Changed); without it, the store is checked
// every ReloadInterval.
type Notifier interface {
	Changed() <-chan struct{}
}

// Options configure a Service. The zero value of a field means its
// default.
type Options struct {
	// Meta holds the event handlers. Required.
	Meta persistence.MetadataStore
	// History is what handlers act through. Required.
	History History
	// Scripts evaluates JavaScript conditions. Required.
	Scripts eventhandler.Scripts
	// KafkaBrokers are host:port addresses; none leaves kafka handlers
	// inactive.
	KafkaBrokers []string
	// ReloadInterval is how often a store that is not a Notifier is
	// checked for changed handlers, and how soon a failed read is tried
	// again. Default DefaultReloadInterval.
	ReloadInterval time.Duration
	// Logger receives failures of handlers and consumers. Nil discards.
	Logger *slog.Logger
}

// DefaultReloadInterval is Options.ReloadInterval when it is zero.
const DefaultReloadInterval = time.Second

// ErrInvalidOptions is wrapped by Validate and New.
var ErrInvalidOptions = errors.New("events: invalid options")

// EnsureDefaults fills zero fields with their defaults.
func (o *Options) EnsureDefaults() {
	if o.ReloadInterval == 0 {
		o.ReloadInterval = DefaultReloadInterval
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// Validate names the first bad field of defaulted Options and its value.
func (o *Options) Validate() error {
	switch {
	case o.Meta == nil:
		return fmt.Errorf("%w: Options.Meta is nil, want a store", ErrInvalidOptions)
	case o.History == nil:
		return fmt.Errorf("%w: Options.History is nil, want a History", ErrInvalidOptions)
	case o.Scripts == nil:
		return fmt.Errorf("%w: Options.Scripts is nil, want an evaluator", ErrInvalidOptions)
	case o.ReloadInterval < 0:
		return fmt.Errorf("%w: Options.ReloadInterval is %v, want >= 0", ErrInvalidOptions, o.ReloadInterval)
	}
	return nil
}

// Service runs the event handlers. Start it once; Close stops every
// consumer and waits for them.
type Service struct {
	opts Options
	log  *slog.Logger
	gen  persistence.Generationer // nil when the store has no generation
	// mu guards handlers and loadedGen: the active handlers by event, as
	// read at store generation loadedGen.
	mu        sync.Mutex
	handlers  map[string][]*eventhandler.Handler
	loadedGen uint64
	conductor *conductorQueue

	cancel context.CancelFunc
	wg     sync.WaitGroup
	// kafka holds the running consumers by event; only the watch loop
	// (and Start before it) touches it.
	kafka map[string]*consumer
	// idle are kafka events already reported as inactive.
	idle map[string]bool
}

// New returns a Service for opts, or an error wrapping ErrInvalidOptions.
func New(opts Options) (*Service, error) {
	opts.EnsureDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	s := &Service{opts: opts, log: opts.Logger, conductor: newConductorQueue(),
		kafka: map[string]*consumer{}, idle: map[string]bool{}}
	s.gen, _ = opts.Meta.(persistence.Generationer)
	return s, nil
}

// Start loads the handlers, starts their consumers and keeps them in step
// with the store until Close.
func (s *Service) Start(ctx context.Context) error {
	ctx, s.cancel = context.WithCancel(context.WithoutCancel(ctx))
	if err := s.reload(ctx); err != nil {
		s.cancel()
		return err
	}
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		s.runConductor(ctx)
	}()
	go func() {
		defer s.wg.Done()
		s.watch(ctx)
	}()
	return nil
}

// Close stops consuming and waits for the messages being handled.
// Uncommitted Kafka messages are read again at the next start.
func (s *Service) Close() {
	if s.cancel != nil {
		s.cancel()
	}
	s.wg.Wait()
	if n := s.conductor.close(); n > 0 {
		s.log.Warn("events: conductor queue messages left for the next start", "count", n)
	}
}

// watch keeps the consumers in step with the stored handlers, then stops
// them when ctx ends.
func (s *Service) watch(ctx context.Context) {
	defer s.stopConsumers(nil)
	notifier, _ := s.opts.Meta.(Notifier)
	var tick <-chan time.Time
	if notifier == nil {
		t := time.NewTicker(s.opts.ReloadInterval)
		defer t.Stop()
		tick = t.C
	}
	for {
		var changed <-chan struct{}
		if notifier != nil {
			changed = notifier.Changed() // before the read: a write after it wakes us
		}
		var retry <-chan time.Time
		if err := s.reload(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("events: reading event handlers failed", "err", err)
			retry = time.After(s.opts.ReloadInterval)
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		case <-tick:
		case <-retry:
		}
	}
}

// current returns the active handlers by event, read again from the store
// when it changed since they were read (always, without a generation), so
// that a message sees every handler stored before it is handled.
func (s *Service) current(ctx context.Context) (map[string][]*eventhandler.Handler, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var g uint64
	if s.gen != nil {
		g = s.gen.Generation() // before the read: see persistence.Generationer
		if s.handlers != nil && g == s.loadedGen {
			return s.handlers, nil
		}
	}
	all, err := s.opts.Meta.EventHandlers(ctx)
	if err != nil {
		return nil, err
	}
	byEvent := map[string][]*eventhandler.Handler{}
	for _, h := range all {
		if h.Active {
			byEvent[h.Event] = append(byEvent[h.Event], h)
		}
	}
	s.handlers, s.loadedGen = byEvent, g
	return byEvent, nil
}

// reload starts or stops Kafka consumers to match the active handlers.
// Only Start (before the watch loop) and the watch loop call it.
func (s *Service) reload(ctx context.Context) error {
	byEvent, err := s.current(ctx)
	if err != nil {
		return err
	}
	kafkaEvents := map[string]bool{}
	for event, hs := range byEvent {
		typ, topic, _ := eventhandler.SplitEvent(event)
		if typ != eventhandler.QueueKafka {
			continue
		}
		kafkaEvents[event] = true
		if len(s.opts.KafkaBrokers) == 0 {
			if !s.idle[event] {
				s.idle[event] = true
				s.log.Warn("events: kafka event handlers are stored but inactive: no Kafka brokers configured (--kafka-brokers or LEGATO_KAFKA_BROKERS)",
					"event", event, "handlers", names(hs))
			}
			continue
		}
		if s.kafka[event] == nil {
			s.kafka[event] = s.startConsumer(ctx, event, topic)
		}
	}
	s.stopConsumers(kafkaEvents)
	return nil
}

// stopConsumers stops every consumer whose event is not in keep.
func (s *Service) stopConsumers(keep map[string]bool) {
	for event, c := range s.kafka {
		if !keep[event] {
			c.stop()
			delete(s.kafka, event)
		}
	}
}

func names(hs []*eventhandler.Handler) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.Name
	}
	return out
}
