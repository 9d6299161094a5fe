package main

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"
)

// runIdle starts cfg.idleWorkflows workflows whose single task nobody polls
// and reports the start rate and what holding them costs the server: memory
// after the starts and CPU while they sit idle.
func runIdle(ctx context.Context, cfg config) error {
	c, counter := newClient(cfg)
	defer c.CloseIdleConnections()
	if err := register(ctx, c, idleProbe(), idleTask); err != nil {
		return err
	}

	n := cfg.idleWorkflows
	s := startSampler(cfg.serverPID, 250*time.Millisecond)
	defer s.Close()
	before := s.sample()
	counter.requests.Store(0)

	b := startAll(ctx, n, cfg.concurrency, "idle", func(ctx context.Context, i int) (string, error) {
		return c.StartWorkflow(ctx, idleWorkflow, 1, "", map[string]any{"n": i})
	})
	afterStarts := s.sample()

	// Watch the server hold the idle workflows; a well-behaved server
	// uses next to no CPU here.
	select {
	case <-ctx.Done():
	case <-time.After(cfg.idleSettle):
	}
	settled := s.sample()
	s.Close()

	r := &report{title: "idle (idle_probe: one task nobody polls)"}
	r.add("server", "%s%s", cfg.addr, pidNote(cfg.serverPID))
	r.add("settings", "%d workflows, %d concurrent starters", n, cfg.concurrency)
	r.add("started", "%d (%d errors) in %s", b.started, b.failed, round(b.elapsed))
	r.add("start rate", "%.1f workflows/s", perSecond(b.started, b.elapsed))
	r.add("start request", "%s", latencies(b.lat))
	r.add("http", "%s", counter.summary(b.elapsed))
	if cfg.serverPID == 0 {
		r.add("server cpu / rss", "n/a (pass -server-pid)")
	} else {
		if err := s.Err(); err != nil {
			r.add("server sampling", "error: %v", err)
		}
		r.add("server rss before", "%s", mib(before.rss))
		r.add("server rss after starts", "%s (max seen %s)", mib(afterStarts.rss), mib(s.MaxRSS()))
		r.add("server rss after settle", "%s (%v later; peak since start %s)", mib(settled.rss), cfg.idleSettle, mib(settled.hwm))
		if b.started > 0 && settled.exists && before.exists {
			per := float64(settled.rss-before.rss) / float64(b.started)
			r.add("rss per idle workflow", "%.0f bytes", per)
		}
		r.add("server cpu (starting)", "%s", cpuUse(before, afterStarts))
		r.add("server cpu (idle)", "%s", cpuUse(afterStarts, settled))
	}
	r.add("loadgen", "GOMAXPROCS %d", runtime.GOMAXPROCS(0))
	r.print(cfg.out)

	var errs []error
	if err := ctx.Err(); err != nil {
		errs = append(errs, err)
	}
	if b.failed > 0 {
		errs = append(errs, fmt.Errorf("%d of %d idle workflows failed to start", b.failed, n))
	}
	return errors.Join(errs...)
}
