package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/legatohq/legato/pkg/api"
)

// Worker defaults; a zero field in Worker means the default.
const (
	DefaultPollTimeout = time.Second
	DefaultConcurrency = 1
	DefaultPollers     = 1
)

// Backoff bounds of a poller whose polls fail (server down or restarting).
const (
	pollErrDelayMin = 50 * time.Millisecond
	pollErrDelayMax = time.Second
	// emptyDelayMin is the first pause after a poll came back empty much
	// sooner than PollTimeout (a server that does not long-poll); it doubles
	// up to PollTimeout so such a server is not polled in a tight loop.
	emptyDelayMin = 10 * time.Millisecond
)

// Result is what Execute decided about one task.
type Result struct {
	// Status is the task status to report: api.TaskCompleted (the default
	// when empty), api.TaskFailed, api.TaskFailedWithTerminalError or
	// api.TaskInProgress (asks to be polled again after
	// CallbackAfterSeconds).
	Status               string
	Output               map[string]any
	Reason               string // reasonForIncompletion, for failures
	CallbackAfterSeconds int64
}

// Complete returns a COMPLETED result with output.
func Complete(output map[string]any) Result {
	return Result{Status: api.TaskCompleted, Output: output}
}

// Fail returns a FAILED result, which the server retries according to the
// task definition.
func Fail(reason string) Result {
	return Result{Status: api.TaskFailed, Reason: reason}
}

// FailTerminal returns a FAILED_WITH_TERMINAL_ERROR result, never retried.
func FailTerminal(reason string) Result {
	return Result{Status: api.TaskFailedWithTerminalError, Reason: reason}
}

// Worker describes how to run the tasks of one type. A zero field means its
// default.
type Worker struct {
	TaskType string
	Domain   string // "" polls the domainless queue
	// Concurrency bounds the tasks of this type executing at once.
	// Default DefaultConcurrency.
	Concurrency int
	// Pollers is the number of goroutines polling this type; they share the
	// Concurrency budget. Default DefaultPollers.
	Pollers int
	// BatchSize is the most tasks one poll asks for; a poll never asks for
	// more than the free share of Concurrency. Default: Concurrency.
	BatchSize int
	// PollTimeout is how long one poll waits for a task (long poll); at most
	// MaxPollTimeout. Default DefaultPollTimeout.
	PollTimeout time.Duration

	// Execute runs one task. It is called concurrently, up to Concurrency
	// at a time. Its ctx is cancelled when RunWorkers is stopping; whatever
	// it returns then is still reported. A panic is reported as FAILED.
	Execute func(ctx context.Context, t *api.Task) Result
	// Reported, if set, is called after the result of t was reported: err
	// is nil when the server acknowledged it. It is called concurrently.
	Reported func(t *api.Task, res Result, err error)
}

// ErrInvalidWorker is wrapped by Validate and RunWorkers.
var ErrInvalidWorker = errors.New("client: invalid worker")

// EnsureDefaults fills zero fields with their defaults, and lowers a
// BatchSize above Concurrency to it.
func (w *Worker) EnsureDefaults() {
	if w.Concurrency == 0 {
		w.Concurrency = DefaultConcurrency
	}
	if w.Pollers == 0 {
		w.Pollers = DefaultPollers
	}
	if w.BatchSize == 0 || w.BatchSize > w.Concurrency {
		w.BatchSize = w.Concurrency
	}
	if w.PollTimeout == 0 {
		w.PollTimeout = DefaultPollTimeout
	}
}

// Validate names the first bad field of a defaulted Worker and its value.
func (w *Worker) Validate() error {
	switch {
	case w.TaskType == "":
		return fmt.Errorf("%w: Worker.TaskType is empty, want a task type", ErrInvalidWorker)
	case w.Execute == nil:
		return fmt.Errorf("%w %q: Worker.Execute is nil, want a func", ErrInvalidWorker, w.TaskType)
	case w.Concurrency < 1:
		return fmt.Errorf("%w %q: Worker.Concurrency is %d, want >= 1", ErrInvalidWorker, w.TaskType, w.Concurrency)
	case w.Pollers < 1:
		return fmt.Errorf("%w %q: Worker.Pollers is %d, want >= 1", ErrInvalidWorker, w.TaskType, w.Pollers)
	case w.BatchSize < 1:
		return fmt.Errorf("%w %q: Worker.BatchSize is %d, want 1..Concurrency", ErrInvalidWorker, w.TaskType, w.BatchSize)
	case w.PollTimeout < 0 || w.PollTimeout > MaxPollTimeout:
		return fmt.Errorf("%w %q: Worker.PollTimeout is %v, want 0..%v", ErrInvalidWorker, w.TaskType, w.PollTimeout, MaxPollTimeout)
	}
	return nil
}

// RunWorkers polls and executes tasks for each of ws until ctx is done, then
// stops polling, lets executing tasks finish, reports their results (trying
// for up to the shutdown grace, see WithShutdownGrace) and returns once every
// goroutine it started has ended. workerID names this process to the server;
// "" means the host name. It returns nil after a stop by ctx, or an error
// without starting anything if a Worker is invalid.
//
// Each task goes through Execute and its result is reported with
// UpdateTaskV2; a next task the server returns with the acknowledgement is
// executed at once, which saves one poll per task at high throughput.
// Results are retried until delivered (see UpdateTask), so they survive a
// server restart. While the server is unreachable the pollers back off from
// 50ms up to 1s.
func (c *Client) RunWorkers(ctx context.Context, workerID string, ws ...Worker) error {
	if len(ws) == 0 {
		return errors.New("client: RunWorkers: no workers")
	}
	if workerID == "" {
		workerID, _ = os.Hostname()
	}
	runners := make([]*runner, len(ws))
	for i, w := range ws {
		w.EnsureDefaults()
		if err := w.Validate(); err != nil {
			return err
		}
		r := &runner{c: c, w: w, workerID: workerID, slots: make(chan struct{}, w.Concurrency)}
		for range w.Concurrency {
			r.slots <- struct{}{}
		}
		runners[i] = r
	}

	// Reports outlive ctx by the grace period: a task that was executed
	// should not be lost to the worker shutting down.
	reportCtx, stopReports := context.WithCancel(context.WithoutCancel(ctx))
	defer stopReports()

	var wg sync.WaitGroup
	for _, r := range runners {
		for range r.w.Pollers {
			wg.Go(func() { r.poll(ctx, reportCtx, &wg) })
		}
	}

	allDone := make(chan struct{})
	graceDone := make(chan struct{})
	go func() {
		defer close(graceDone)
		select {
		case <-allDone:
			return
		case <-ctx.Done():
		}
		t := time.NewTimer(c.shutdownGrace)
		defer t.Stop()
		select {
		case <-allDone:
		case <-t.C:
			stopReports()
		}
	}()
	wg.Wait()
	close(allDone)
	<-graceDone
	return nil
}

// runner runs one Worker. slots holds one token per free execution slot.
type runner struct {
	c        *Client
	w        Worker
	workerID string
	slots    chan struct{}
	noV2     atomic.Bool // the server lacks update-v2; report with POST /tasks
}

// acquire takes between 1 and n slots, waiting for the first; it returns 0
// when ctx is done first.
func (r *runner) acquire(ctx context.Context, n int) int {
	select {
	case <-r.slots:
	case <-ctx.Done():
		return 0
	}
	got := 1
	for got < n {
		select {
		case <-r.slots:
			got++
		default:
			return got
		}
	}
	return got
}

func (r *runner) release(n int) {
	for range n {
		r.slots <- struct{}{}
	}
}

// poll is one poller goroutine. Task goroutines are added to wg, which the
// poller itself is counted in, so wg.Wait in RunWorkers covers them.
func (r *runner) poll(ctx, reportCtx context.Context, wg *sync.WaitGroup) {
	errDelay := time.Duration(0)
	emptyDelay := time.Duration(0)
	for ctx.Err() == nil {
		n := r.acquire(ctx, r.w.BatchSize)
		if n == 0 {
			return
		}
		start := time.Now()
		tasks, err := r.c.BatchPoll(ctx, r.w.TaskType, r.workerID, r.w.Domain, n, r.w.PollTimeout)
		held := min(len(tasks), n)
		r.release(n - held)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			errDelay = min(max(2*errDelay, pollErrDelayMin), pollErrDelayMax)
			r.c.log.Warn("client: poll failed", "task_type", r.w.TaskType, "error", err, "retry_in", errDelay)
			sleep(ctx, errDelay)
			continue
		}
		errDelay = 0
		if len(tasks) == 0 {
			if time.Since(start) < r.w.PollTimeout/2 {
				emptyDelay = min(max(2*emptyDelay, emptyDelayMin), r.w.PollTimeout)
				sleep(ctx, emptyDelay)
			} else {
				emptyDelay = 0
			}
			continue
		}
		emptyDelay = 0
		for i, t := range tasks {
			// A server that returned more than asked for still assigned
			// the extra tasks to us: run them over budget.
			ownsSlot := i < held
			wg.Go(func() {
				if ownsSlot {
					defer r.release(1)
				}
				r.run(ctx, reportCtx, t)
			})
		}
	}
}

// run executes t, reports it, and keeps going with the next task the
// server hands back with each acknowledgement.
func (r *runner) run(ctx, reportCtx context.Context, t *api.Task) {
	for t != nil {
		res := r.execute(ctx, t)
		tr := &api.TaskResult{
			WorkflowInstanceID:    t.WorkflowInstanceID,
			TaskID:                t.TaskID,
			Status:                res.Status,
			OutputData:            res.Output,
			ReasonForIncompletion: res.Reason,
			CallbackAfterSeconds:  res.CallbackAfterSeconds,
			WorkerID:              r.workerID,
		}
		if tr.Status == "" {
			tr.Status = api.TaskCompleted
		}
		next, err := r.report(ctx, reportCtx, tr)
		if r.w.Reported != nil {
			r.w.Reported(t, res, err)
		}
		if err != nil {
			r.c.log.Error("client: task result not delivered", "task_type", r.w.TaskType,
				"task_id", t.TaskID, "workflow_id", t.WorkflowInstanceID, "error", err)
			return
		}
		t = next
	}
}

// report delivers tr. While running it uses update-v2 and returns the next
// task; once ctx is done it uses POST /tasks so that no new task is taken.
func (r *runner) report(ctx, reportCtx context.Context, tr *api.TaskResult) (*api.Task, error) {
	if ctx.Err() == nil && !r.noV2.Load() {
		next, err := r.c.UpdateTaskV2(reportCtx, tr)
		if StatusOf(err) != http.StatusMethodNotAllowed {
			return next, err
		}
		r.noV2.Store(true)
	}
	return nil, r.c.UpdateTask(reportCtx, tr)
}

// execute calls Execute, turning a panic into a FAILED result.
func (r *runner) execute(ctx context.Context, t *api.Task) (res Result) {
	defer func() {
		if p := recover(); p != nil {
			res = Result{Status: api.TaskFailed, Reason: fmt.Sprintf("worker panicked: %v", p)}
		}
	}()
	return r.w.Execute(ctx, t)
}
