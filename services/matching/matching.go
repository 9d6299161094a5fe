package matching

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/legatohq/legato/pkg/api"
)

var (
	// ErrClosed is returned by Poll once Close was called. It is an
	// *api.Error of kind KindUnavailable so the frontend answers 503.
	ErrClosed error = &api.Error{Kind: api.KindUnavailable, Message: "matching: closed"}
	// ErrInvalidOptions is wrapped by New when Options fail Validate.
	ErrInvalidOptions = errors.New("matching: invalid options")
)

// DefaultMaxPollTimeout caps a poll's wait when Options.MaxPollTimeout is
// zero. Conductor refuses long polls above 5 seconds.
const DefaultMaxPollTimeout = 5 * time.Second

// Options configure a Service. The zero value of a field means its default.
type Options struct {
	// History records starts. Required.
	History History
	// Now is the clock deciding when a delayed task becomes visible and
	// stamping PollData. Nil means time.Now. Waiting (poll timeouts, the
	// delay timer) always uses real timers: a Poll sees a task as soon as
	// the clock says it is due, but a poller already waiting is woken by
	// the timer, which, while the clock lags real time, retries with a
	// backoff of up to a second.
	Now func() time.Time
	// MaxPollTimeout caps the timeout of one Poll; the frontend validates
	// the request, this is a safety net. Zero means DefaultMaxPollTimeout.
	MaxPollTimeout time.Duration
	// Logger receives refusals (debug) and contract breaches (error). Nil
	// discards.
	Logger *slog.Logger
	// TaskDefs, if set, holds the TaskDefs whose rateLimitPerFrequency and
	// concurrentExecLimit matching enforces (limits.go). Nil: no limits.
	TaskDefs TaskDefs
}

// EnsureDefaults fills zero fields with their defaults.
func (o *Options) EnsureDefaults() {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxPollTimeout == 0 {
		o.MaxPollTimeout = DefaultMaxPollTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// Validate names the first bad field of defaulted Options and its value.
func (o *Options) Validate() error {
	if o.History == nil {
		return fmt.Errorf("%w: Options.History is nil, want a History", ErrInvalidOptions)
	}
	if o.MaxPollTimeout < 0 {
		return fmt.Errorf("%w: Options.MaxPollTimeout is %v, want >= 0", ErrInvalidOptions, o.MaxPollTimeout)
	}
	return nil
}

// queueKey names a queue. Domain "" is the queue without a domain.
type queueKey struct {
	taskType, domain string
}

// Service holds the task queues and the pollers waiting on them. It is
// safe for concurrent use. See the package doc for the model.
type Service struct {
	history        History
	now            func() time.Time
	maxPollTimeout time.Duration
	log            *slog.Logger
	defs           TaskDefs

	// queues maps queueKey to *queue. Queues are created on first use and
	// never removed; each has its own lock, so no lock is shared by all
	// queues on the hot path.
	queues sync.Map
	// types maps a task type to the *taskType its queues share, for task
	// types that may be limited.
	types     sync.Map
	closed    atomic.Bool
	closeOnce sync.Once
	// timers counts scheduled and running alarm callbacks (queue delays,
	// limiter windows); Close waits for it.
	timers sync.WaitGroup

	// waitHook, if set (tests only, before any use), runs after a poller
	// registered as waiting.
	waitHook func()
}

// New returns a Service, or an error wrapping ErrInvalidOptions.
func New(opts Options) (*Service, error) {
	opts.EnsureDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return &Service{
		history:        opts.History,
		now:            opts.Now,
		maxPollTimeout: opts.MaxPollTimeout,
		log:            opts.Logger,
		defs:           opts.TaskDefs,
	}, nil
}

func (s *Service) nowMs() int64 { return s.now().UnixMilli() }

// queue returns the queue for k, creating it if needed.
func (s *Service) queue(k queueKey) *queue {
	if v, ok := s.queues.Load(k); ok {
		return v.(*queue)
	}
	v, _ := s.queues.LoadOrStore(k, newQueue(s, k.taskType, k.domain, s.typeOf(k)))
	return v.(*queue)
}

// Dispatch queues task attempts for pollers. A row whose TaskID is already
// queued (visible or delayed) in its queue is ignored, so history may
// re-dispatch everything pending at any time — unless the row makes a
// delayed task visible sooner, which then moves it up (history's
// resetcallbacks), still offered once. A row with VisibleAt (epoch
// ms) in the future stays invisible until then. Rows go straight to
// waiting pollers when there are any. Dispatch never blocks on pollers or
// history; after Close it drops the rows. Priority is not used yet: each
// queue is FIFO.
func (s *Service) Dispatch(ctx context.Context, ds []api.Dispatch) {
	if s.closed.Load() {
		return
	}
	// Lock each queue once per run of consecutive rows for it, so a batch
	// for one queue can be handed to a poller asking for several.
	for len(ds) > 0 {
		k := queueKey{ds[0].TaskType, ds[0].Domain}
		n := 1
		for n < len(ds) && ds[n].TaskType == k.taskType && ds[n].Domain == k.domain {
			n++
		}
		q := s.queue(k)
		s.refreshLimits(ctx, q.tt)
		q.dispatch(ds[:n])
		ds = ds[n:]
	}
}

// Withdraw removes queued tasks that history no longer offers (finished
// or cancelled before any worker polled them), so queue sizes stay true.
// Tasks not queued are ignored.
func (s *Service) Withdraw(ctx context.Context, ds []api.Dispatch) {
	for _, d := range ds {
		if v, ok := s.queues.Load(queueKey{d.TaskType, d.Domain}); ok {
			v.(*queue).withdraw([]string{d.TaskID})
		}
	}
}

// Poll returns up to count started tasks of taskType in domain ("" = no
// domain), waiting up to timeout (capped at MaxPollTimeout) for at least
// one. It returns as soon as at least one task was started, without
// waiting to fill count. Before returning tasks it has history record
// their start for workerID; tasks history refuses are dropped and, while
// time remains, Poll keeps waiting.
//
// On timeout, or when ctx ends with nothing started, Poll returns an empty
// non-nil slice and a nil error. Tasks taken from the queue when ctx ended
// but not yet sent to history go back to the front of the queue. After
// Close, and for polls waiting when Close runs, Poll returns ErrClosed.
// count < 1 is treated as 1.
func (s *Service) Poll(ctx context.Context, taskType, domain, workerID string, count int, timeout time.Duration) ([]*api.Task, error) {
	if s.closed.Load() {
		return nil, ErrClosed
	}
	count = max(count, 1)
	timeout = min(max(timeout, 0), s.maxPollTimeout)
	q := s.queue(queueKey{taskType, domain})
	s.refreshLimits(ctx, q.tt)

	wait := timeout > 0
	var expired <-chan time.Time
	if wait {
		t := time.NewTimer(timeout)
		defer t.Stop()
		expired = t.C
	}
	for record := true; ; record = false {
		es, lim, w, err := q.take(count, wait, record, workerID)
		if err != nil {
			return nil, err
		}
		if w != nil {
			if s.waitHook != nil {
				s.waitHook()
			}
			ok := true
			select {
			case es, ok = <-w.ch:
			case <-expired:
				wait = false
				es, ok = q.cancelWait(w)
			case <-ctx.Done():
				es, ok = q.cancelWait(w)
			}
			if !ok {
				return nil, ErrClosed
			}
			lim = w.lim
		}
		if len(es) == 0 {
			return []*api.Task{}, nil
		}
		if ctx.Err() != nil {
			if lim != nil {
				lim.settle(nil, taskIDs(es))
			}
			q.putBack(es)
			return []*api.Task{}, nil
		}
		if tasks := s.start(ctx, es, workerID, lim); len(tasks) > 0 {
			return tasks, nil
		}
		// All refused. Look again: wait only if time remains, otherwise
		// take only what is visible now.
		if ctx.Err() != nil {
			return []*api.Task{}, nil
		}
		if wait {
			select {
			case <-expired:
				wait = false
			default:
			}
		}
	}
}

// start asks history to start es for workerID, in one call, and returns
// the tasks it accepted. Refused tasks are dropped: history re-dispatches
// whatever is still pending after a restart, so dropping is never a loss.
// lim, if not nil, holds the reservations of es and learns the answers.
func (s *Service) start(ctx context.Context, es []entry, workerID string, lim *limiter) []*api.Task {
	reqs := make([]api.StartTask, len(es))
	for i, e := range es {
		reqs[i] = api.StartTask{WorkflowID: e.workflowID, TaskID: e.taskID, WorkerID: workerID}
	}
	res := s.history.RecordTasksStarted(ctx, reqs)
	if len(res) != len(reqs) {
		s.log.Error("matching: history answered a different number of starts",
			"requests", len(reqs), "answers", len(res))
	}
	tasks := make([]*api.Task, 0, len(reqs))
	var started, refused []string // only with lim: unlimited types pay nothing
	for i := range reqs {
		if i < len(res) && res[i].Err == nil && res[i].Task != nil {
			tasks = append(tasks, res[i].Task)
			if lim != nil {
				started = append(started, reqs[i].TaskID)
			}
			continue
		}
		if lim != nil {
			refused = append(refused, reqs[i].TaskID)
		}
		if i < len(res) {
			s.log.Debug("matching: start refused, task dropped",
				"task_id", reqs[i].TaskID, "workflow_id", reqs[i].WorkflowID, "err", res[i].Err)
		}
	}
	if lim != nil {
		lim.settle(started, refused)
	}
	return tasks
}

func taskIDs(es []entry) []string {
	ids := make([]string, len(es))
	for i, e := range es {
		ids[i] = e.taskID
	}
	return ids
}

// QueueSize is the number of tasks waiting (visible or delayed) in a
// queue. Tasks taken by a poller and awaiting history's answer are not
// counted.
func (s *Service) QueueSize(taskType, domain string) int {
	v, ok := s.queues.Load(queueKey{taskType, domain})
	if !ok {
		return 0
	}
	return v.(*queue).size()
}

// waiting is the number of pollers waiting on a queue (tests).
func (s *Service) waiting(taskType, domain string) int {
	v, ok := s.queues.Load(queueKey{taskType, domain})
	if !ok {
		return 0
	}
	return v.(*queue).waiting()
}

// Close releases every waiting poller (their Poll returns ErrClosed),
// stops the delay timers and waits for their callbacks to return. Later
// Polls return ErrClosed and later Dispatches are dropped. Close is
// idempotent.
func (s *Service) Close() {
	// Once.Do also makes a concurrent second Close wait for the first.
	s.closeOnce.Do(func() {
		s.closed.Store(true)
		// Every queue checks closed under its lock before registering a
		// waiter or arming its timer. A queue that did so while open was
		// stored before closed was set, so Range visits it; a queue Range
		// misses was created after, and has neither.
		s.queues.Range(func(_, v any) bool {
			v.(*queue).close()
			return true
		})
		// A limiter arms its alarm only after checking closed under its
		// lock, which stop takes.
		s.types.Range(func(_, v any) bool {
			if lim := v.(*taskType).lim.Load(); lim != nil {
				lim.stop()
			}
			return true
		})
		s.timers.Wait()
	})
}
