package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/client"
)

// runTimers starts cfg.timerWorkflows workflows whose only task is a WAIT
// of cfg.wait, as fast as -concurrency starters go, and reports how late
// the timers fired: for a sample of the workflows, read back over the API
// once they are due, the WAIT task's endTime minus its startTime plus the
// duration. A timer that fired early, or a workflow that did not complete,
// is an error.
func runTimers(ctx context.Context, cfg config) error {
	c, counter := newClient(cfg)
	defer c.CloseIdleConnections()
	if err := register(ctx, c, timerProbe()); err != nil {
		return err
	}

	n := cfg.timerWorkflows
	duration := fmt.Sprintf("%ds", int64(cfg.wait/time.Second))
	s := startSampler(cfg.serverPID, 250*time.Millisecond)
	defer s.Close()
	before := s.sample()
	counter.requests.Store(0)

	b := startAll(ctx, n, cfg.concurrency, "timer", func(ctx context.Context, i int) (string, error) {
		return c.StartWorkflow(ctx, timerWorkflow, 1, "", map[string]any{"duration": duration})
	})
	afterStarts := s.sample()

	// Read back only once the last timer is due, so that the reads do not
	// load the server while it fires the timers being measured.
	var sample []string
	step := max(1, int(1/cfg.timerSample+0.5))
	for i := 0; i < n; i += step {
		if b.ids[i] != "" {
			sample = append(sample, b.ids[i])
		}
	}
	select {
	case <-ctx.Done():
	case <-time.After(time.Until(b.t0.Add(b.elapsed + cfg.wait + time.Second))):
	}
	late, bad, unfinished := readTimers(ctx, c, sample, cfg.wait, cfg.stall)
	settled := s.sample()
	s.Close()

	r := &report{title: fmt.Sprintf("timers (timer_probe: one WAIT %s)", duration)}
	r.add("server", "%s%s", cfg.addr, pidNote(cfg.serverPID))
	r.add("settings", "%d workflows, %d concurrent starters, %d read back (1 in %d)", n, cfg.concurrency, len(sample), step)
	r.add("started", "%d (%d errors) in %s", b.started, b.failed, round(b.elapsed))
	r.add("start rate", "%.1f workflows/s", perSecond(b.started, b.elapsed))
	r.add("start request", "%s", latencies(b.lat))
	r.add("completed", "%d of %d read back COMPLETED by their timer (%d wrong, %d unfinished)", len(late), len(sample), bad, unfinished)
	r.add("timer lateness", "%s (target p99 < 1s)", latencies(late))
	r.add("http", "%s", counter.summary(time.Since(b.t0)))
	if cfg.serverPID == 0 {
		r.add("server cpu / rss", "n/a (pass -server-pid)")
	} else {
		if err := s.Err(); err != nil {
			r.add("server sampling", "error: %v", err)
		}
		r.add("server rss", "before %s, after starts %s, end %s (max seen %s, peak since start %s)",
			mib(before.rss), mib(afterStarts.rss), mib(settled.rss), mib(s.MaxRSS()), mib(settled.hwm))
		r.add("server cpu (starting)", "%s", cpuUse(before, afterStarts))
		r.add("server cpu (timers)", "%s", cpuUse(afterStarts, settled))
	}
	r.print(cfg.out)

	var errs []error
	if err := ctx.Err(); err != nil {
		errs = append(errs, err)
	}
	if b.failed > 0 {
		errs = append(errs, fmt.Errorf("%d of %d timer workflows failed to start", b.failed, n))
	}
	if bad > 0 || unfinished > 0 {
		errs = append(errs, fmt.Errorf("of %d timer workflows read back, %d are wrong and %d unfinished", len(sample), bad, unfinished))
	}
	return errors.Join(errs...)
}

// readTimers reads the workflows ids until each has ended, giving up on
// one after stall, and returns the lateness of the WAIT of each that
// completed properly, how many were wrong (not COMPLETED, or the WAIT ended
// before it was due) and how many did not end.
func readTimers(ctx context.Context, c *client.Client, ids []string, wait, stall time.Duration) (late []time.Duration, bad, unfinished int) {
	var mu sync.Mutex
	var nbad, nunfinished, logged atomic.Int64
	work := make(chan string)
	var wg sync.WaitGroup
	for range min(16, len(ids)) {
		wg.Go(func() {
			for id := range work {
				d, err := readTimer(ctx, c, id, wait, stall)
				switch {
				case errors.Is(err, errUnfinished):
					nunfinished.Add(1)
					logLimited(&logged, "%v", err)
				case err != nil:
					nbad.Add(1)
					logLimited(&logged, "%v", err)
				default:
					mu.Lock()
					late = append(late, d)
					mu.Unlock()
				}
			}
		})
	}
	for _, id := range ids {
		work <- id
	}
	close(work)
	wg.Wait()
	return late, int(nbad.Load()), int(nunfinished.Load())
}

var errUnfinished = errors.New("not ended")

// readTimer waits until the timer workflow id has ended and returns the
// lateness of its WAIT.
func readTimer(ctx context.Context, c *client.Client, id string, wait, stall time.Duration) (time.Duration, error) {
	wf, err := awaitEnded(ctx, c, id, true, stall)
	switch {
	case err != nil:
		return 0, fmt.Errorf("%w: %w", errUnfinished, err)
	case wf.Status != api.WorkflowCompleted || len(wf.Tasks) != 1:
		return 0, fmt.Errorf("workflow %s: %s with %d tasks, want COMPLETED by its WAIT", id, wf.Status, len(wf.Tasks))
	}
	w := wf.Tasks[0]
	d := time.Duration(w.EndTime-w.StartTime)*time.Millisecond - wait
	if w.Status != api.TaskCompleted || w.StartTime == 0 || d < 0 {
		return 0, fmt.Errorf("workflow %s: WAIT %s, started %d, ended %d: before it was due", id, w.Status, w.StartTime, w.EndTime)
	}
	return d, nil
}
