package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/client"
)

// failedStart marks a workflow whose start request failed.
const failedStart = -1

// tracker holds the timeline of every workflow of a throughput run, indexed
// by the number in its order id. Times are nanoseconds since t0.
//
// A workflow is complete when the server acknowledged the result of its
// ship task (the last one); the ship worker records that and frees the
// workflow's in-flight slot. end is set once, by compare-and-swap, so a
// redelivered ship task or a start that failed after all cannot free a
// slot twice.
type tracker struct {
	t0     time.Time
	runID  string
	starts []atomic.Int64 // before the start request
	acked  []atomic.Int64 // start request answered
	ends   []atomic.Int64 // ship result acknowledged, or failedStart
	ids    []atomic.Pointer[string]
	slots  chan struct{}

	begun       atomic.Int64 // start requests sent
	completed   atomic.Int64
	startErrors atomic.Int64
	ended       atomic.Int64  // completed + startErrors
	allEnded    chan struct{} // closed when ended reaches len(ends)
	inputErrors atomic.Int64  // tasks whose input lacked a resolved value
	attempts    atomic.Int64  // task attempts executed
	failed      atomic.Int64  // first attempts failed on purpose (-fail-rate)
	lastEnd     atomic.Int64
	lastIdx     atomic.Int64 // the workflow that completed last (visibility_lag.go)
	logged      atomic.Int64 // errors printed so far, see logLimited
}

func newTracker(n, inflight int) *tracker {
	tr := &tracker{
		t0:     time.Now(),
		runID:  strconv.FormatInt(time.Now().UnixNano(), 36),
		starts: make([]atomic.Int64, n),
		acked:  make([]atomic.Int64, n),
		ends:   make([]atomic.Int64, n),
		ids:    make([]atomic.Pointer[string], n),
		slots:  make(chan struct{}, inflight),

		allEnded: make(chan struct{}),
	}
	for range inflight {
		tr.slots <- struct{}{}
	}
	return tr
}

func (tr *tracker) now() int64 { return int64(time.Since(tr.t0)) }

func (tr *tracker) orderID(i int) string { return fmt.Sprintf("%s-%d", tr.runID, i) }

// index parses an order id of this run; ok is false for other runs' orders.
func (tr *tracker) index(orderID string) (int, bool) {
	rest, ok := strings.CutPrefix(orderID, tr.runID+"-")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(rest)
	if err != nil || i < 0 || i >= len(tr.ends) {
		return 0, false
	}
	return i, true
}

// finish records the end of workflow i (at, or failedStart) and frees its
// slot, unless it had already ended.
func (tr *tracker) finish(i int, at int64) {
	if !tr.ends[i].CompareAndSwap(0, at) {
		return
	}
	if at == failedStart {
		tr.startErrors.Add(1)
	} else {
		tr.completed.Add(1)
		for last := tr.lastEnd.Load(); at > last && !tr.lastEnd.CompareAndSwap(last, at); {
			last = tr.lastEnd.Load()
		}
		tr.lastIdx.Store(int64(i))
	}
	if tr.ended.Add(1) == int64(len(tr.ends)) {
		close(tr.allEnded)
	}
	tr.slots <- struct{}{}
}

func runThroughput(ctx context.Context, cfg config) error {
	c, counter := newClient(cfg)
	defer c.CloseIdleConnections()
	if err := register(ctx, c, orderFulfillment(), validateTask, chargeTask, shipTask); err != nil {
		return err
	}

	n := cfg.workflows
	tr := newTracker(n, cfg.concurrency)
	s := startSampler(cfg.serverPID, 250*time.Millisecond)
	defer s.Close()
	cpu0 := s.sample()
	counter.requests.Store(0) // count only the run itself

	// Workers run until every workflow has ended or the run is abandoned.
	workCtx, stopWork := context.WithCancel(ctx)
	defer stopWork()
	workersDone := make(chan error, 1)
	go func() { workersDone <- c.RunWorkers(workCtx, cfg.workerID, orderWorkers(cfg, tr)...) }()
	lag := startLagSampler(workCtx, cfg.addr, tr, 100*time.Millisecond)

	// Starters: each takes a free slot, then starts the next workflow.
	var next atomic.Int64
	var starters sync.WaitGroup
	for range min(cfg.concurrency, n) {
		starters.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				select {
				case <-tr.slots:
				case <-workCtx.Done():
					return
				}
				startOrder(workCtx, c, tr, i)
			}
		})
	}

	unfinished, waitErr := waitForEnd(ctx, tr, n, cfg.stall)
	stopWork()
	starters.Wait()
	workErr := <-workersDone
	cpu1 := s.sample()
	elapsed, span := time.Duration(tr.lastEnd.Load()), "first start to last completion"
	if unfinished > 0 {
		elapsed, span = time.Duration(tr.now()), "first start until given up"
	}
	s.Close()
	if workErr != nil {
		return workErr
	}

	checked, bad := confirmSample(context.WithoutCancel(ctx), c, tr, cfg.confirm, cfg.failRate > 0)

	var lat, startLat []time.Duration
	for i := range n {
		st, ack, end := tr.starts[i].Load(), tr.acked[i].Load(), tr.ends[i].Load()
		if end > 0 {
			lat = append(lat, time.Duration(end-st))
		}
		if ack > 0 {
			startLat = append(startLat, time.Duration(ack-st))
		}
	}
	title := "throughput (order_fulfillment: validate → charge → ship)"
	if cfg.failRate > 0 {
		title = fmt.Sprintf("throughput (order_fulfillment; %.0f%% of first attempts fail, retried at once)", 100*cfg.failRate)
	}
	r := &report{title: title}
	r.add("server", "%s%s", cfg.addr, pidNote(cfg.serverPID))
	r.add("settings", "%d workflows, %d in flight, %d pollers × batch %d per task type", n, cfg.concurrency, cfg.workers, cfg.batch)
	if unfinished == 0 {
		r.add("workflows", "%d completed, %d start errors", tr.completed.Load(), tr.startErrors.Load())
	} else {
		begun := tr.begun.Load()
		r.add("workflows", "%d completed, %d start errors, %d started but unfinished, %d never started",
			tr.completed.Load(), tr.startErrors.Load(), begun-tr.ended.Load(), int64(n)-begun)
	}
	r.add("elapsed", "%s (%s)", round(elapsed), span)
	r.add("throughput", "%.1f completed workflows/s", perSecond(tr.completed.Load(), elapsed))
	r.add("start → complete", "%s", latencies(lat))
	if cfg.failRate > 0 {
		r.add("failed attempts", "%d first attempts failed and were retried (%d attempts executed in all)", tr.failed.Load(), tr.attempts.Load())
	}
	r.add("start request", "%s", latencies(startLat))
	r.add("visibility lag", "%s", lag.summary())
	r.add("http", "%s", counter.summary(elapsed))
	if tr.inputErrors.Load() > 0 {
		r.add("input errors", "%d tasks got unresolved inputs", tr.inputErrors.Load())
	}
	r.add("confirmed", "%d of %d sampled workflows COMPLETED with the expected output", checked-bad, checked)
	r.serverRows(cfg.serverPID, s, cpu0, cpu1)
	r.print(cfg.out)

	var errs []error
	if waitErr != nil {
		errs = append(errs, waitErr)
	}
	if unfinished > 0 || tr.startErrors.Load() > 0 {
		errs = append(errs, fmt.Errorf("%d workflows unfinished, %d failed to start", unfinished, tr.startErrors.Load()))
	}
	if bad > 0 {
		errs = append(errs, fmt.Errorf("%d of %d sampled workflows are not COMPLETED with the expected output", bad, checked))
	}
	if tr.inputErrors.Load() > 0 {
		errs = append(errs, fmt.Errorf("%d tasks got unresolved inputs", tr.inputErrors.Load()))
	}
	return errors.Join(errs...)
}

// logLimited prints an error to stderr, but only the first few of a run, so
// that a dead server does not bury the report under thousands of lines.
func logLimited(n *atomic.Int64, format string, args ...any) {
	const maxLogged = 20
	switch k := n.Add(1); {
	case k < maxLogged:
		fmt.Fprintf(os.Stderr, "loadgen: "+format+"\n", args...)
	case k == maxLogged:
		fmt.Fprintln(os.Stderr, "loadgen: (further errors not shown)")
	}
}

func pidNote(pid int) string {
	if pid == 0 {
		return ""
	}
	return fmt.Sprintf(" (pid %d)", pid)
}

func startOrder(ctx context.Context, c *client.Client, tr *tracker, i int) {
	orderID := tr.orderID(i)
	input := map[string]any{"orderId": orderID, "customerId": fmt.Sprintf("cust-%d", i%1000)}
	tr.starts[i].Store(tr.now())
	tr.begun.Add(1)
	id, err := c.StartWorkflow(ctx, orderWorkflow, 1, orderID, input)
	if err != nil {
		if ctx.Err() != nil {
			return // the run is being abandoned; the workflow counts as unfinished
		}
		logLimited(&tr.logged, "start %s: %v", orderID, err)
		tr.finish(i, failedStart)
		if client.Temporary(err) {
			// The server is down or overloaded: don't burn through the
			// remaining workflows in a tight loop.
			select {
			case <-ctx.Done():
			case <-time.After(100 * time.Millisecond):
			}
		}
		return
	}
	tr.acked[i].Store(tr.now())
	tr.ids[i].Store(&id)
}

// waitForEnd waits until all n workflows ended, ctx is done, or none ended
// for stall. It prints progress to stderr every second and returns the
// number of workflows still unfinished.
func waitForEnd(ctx context.Context, tr *tracker, n int, stall time.Duration) (int64, error) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	lastCount, lastChange := int64(0), time.Now()
	prevCompleted, prevAt := int64(0), time.Now()
	for {
		select {
		case <-tr.allEnded:
			return 0, nil
		case <-ctx.Done():
			return int64(n) - tr.ended.Load(), ctx.Err()
		case now := <-tick.C:
			ended := tr.ended.Load()
			if ended != lastCount {
				lastCount, lastChange = ended, now
			}
			if now.Sub(lastChange) > stall {
				return int64(n) - ended, fmt.Errorf("no workflow completed for %v; gave up", stall)
			}
			done := tr.completed.Load()
			fmt.Fprintf(os.Stderr, "  %6d/%d completed  %7.0f/s\n", done, n,
				perSecond(done-prevCompleted, now.Sub(prevAt)))
			prevCompleted, prevAt = done, now
		}
	}
}

// orderWorkers are the workers of the three task types. The ship worker's
// acknowledged result completes the workflow. With -fail-rate, each first
// attempt fails with that probability and its retry completes.
func orderWorkers(cfg config, tr *tracker) []client.Worker {
	w := func(taskType string, exec func(*api.Task) map[string]any) client.Worker {
		w := batchWorker(cfg, taskType)
		w.Execute = func(_ context.Context, t *api.Task) client.Result {
			tr.attempts.Add(1)
			if t.RetryCount == 0 && rand.Float64() < cfg.failRate {
				tr.failed.Add(1)
				return client.Fail("loadgen: planned failure of a first attempt")
			}
			return client.Complete(exec(t))
		}
		return w
	}
	// str returns input[key] as a string, counting a missing value.
	str := func(t *api.Task, key string) string {
		s, ok := t.InputData[key].(string)
		if !ok || s == "" {
			tr.inputErrors.Add(1)
		}
		return s
	}
	validate := w(validateTask, func(t *api.Task) map[string]any {
		str(t, "customerId")
		return map[string]any{"orderId": str(t, "orderId"), "totalAmount": 99.5, "valid": true}
	})
	charge := w(chargeTask, func(t *api.Task) map[string]any {
		if _, ok := t.InputData["amount"].(float64); !ok {
			tr.inputErrors.Add(1)
		}
		str(t, "customerId")
		return map[string]any{"paymentId": "pay-" + t.WorkflowInstanceID}
	})
	ship := w(shipTask, func(t *api.Task) map[string]any {
		return map[string]any{"trackingNumber": "trk-" + str(t, "paymentId")}
	})
	ship.Reported = func(t *api.Task, res client.Result, err error) {
		if err != nil || res.Status != api.TaskCompleted {
			return // a failed attempt is retried: the workflow goes on
		}
		orderID, _ := t.InputData["orderId"].(string)
		if i, ok := tr.index(orderID); ok {
			tr.finish(i, tr.now())
		}
	}
	return []client.Worker{validate, charge, ship}
}

// confirmSample re-reads a fraction of the completed workflows and checks
// that the server agrees they are COMPLETED with the expected output (and,
// with retries, that only failed first attempts were retried). It returns
// how many it checked and how many were wrong.
func confirmSample(ctx context.Context, c *client.Client, tr *tracker, fraction float64, retries bool) (checked, bad int) {
	if fraction <= 0 {
		return 0, 0
	}
	step := max(1, int(1/fraction+0.5))
	var todo []int
	for i := 0; i < len(tr.ends); i += step {
		if tr.ends[i].Load() > 0 && tr.ids[i].Load() != nil {
			todo = append(todo, i)
		}
	}
	var nbad atomic.Int64
	var wg sync.WaitGroup
	work := make(chan int)
	for range min(16, len(todo)) {
		wg.Go(func() {
			for i := range work {
				if err := confirmOne(ctx, c, tr, i, retries); err != nil {
					nbad.Add(1)
					logLimited(&tr.logged, "confirm: %v", err)
				}
			}
		})
	}
	for _, i := range todo {
		work <- i
	}
	close(work)
	wg.Wait()
	return len(todo), int(nbad.Load())
}

func confirmOne(ctx context.Context, c *client.Client, tr *tracker, i int, retries bool) error {
	id := *tr.ids[i].Load()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	wf, err := c.Workflow(ctx, id, retries)
	if err != nil {
		return fmt.Errorf("workflow %s: %w", id, err)
	}
	if wf.Status != api.WorkflowCompleted {
		return fmt.Errorf("workflow %s: status %s, want COMPLETED", id, wf.Status)
	}
	want := map[string]string{
		"orderId":        tr.orderID(i),
		"paymentId":      "pay-" + id,
		"trackingNumber": "trk-pay-" + id,
	}
	for k, v := range want {
		if got, _ := wf.Output[k].(string); got != v {
			return fmt.Errorf("workflow %s: output %s = %v, want %q", id, k, wf.Output[k], v)
		}
	}
	if !retries {
		return nil
	}
	completed := 0
	for _, t := range wf.Tasks {
		switch {
		case !t.Retried && t.Status == api.TaskCompleted:
			completed++
		case !t.Retried || t.Status != api.TaskFailed || t.RetryCount != 0:
			return fmt.Errorf("workflow %s: task %s (%s) is %s, retried %v, retryCount %d; only failed first attempts are retried",
				id, t.TaskID, t.ReferenceTaskName, t.Status, t.Retried, t.RetryCount)
		}
	}
	if completed != 3 {
		return fmt.Errorf("workflow %s: %d completed tasks, want 3", id, completed)
	}
	return nil
}
