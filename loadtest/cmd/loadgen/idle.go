package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/legatohq/legato/pkg/client"
)

// runIdle starts cfg.idleWorkflows workflows whose single task nobody polls
// and reports the start rate and what holding them costs the server: memory
// after the starts and CPU while they sit idle.
func runIdle(ctx context.Context, cfg config) error {
	counter := &countingTransport{base: client.NewTransport()}
	c := client.New(cfg.addr, client.WithHTTPClient(&http.Client{Transport: counter, Timeout: client.DefaultRequestTimeout}))
	defer c.CloseIdleConnections()
	if err := register(ctx, c, idleProbe(), idleTask); err != nil {
		return err
	}

	n := cfg.idleWorkflows
	s := startSampler(cfg.serverPID, 250*time.Millisecond)
	defer s.Close()
	before := s.sample()
	counter.requests.Store(0)

	lat := make([]time.Duration, n)
	var next, started, failed, logged atomic.Int64
	t0 := time.Now()
	var wg sync.WaitGroup
	for range min(cfg.concurrency, n) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				st := time.Now()
				_, err := c.StartWorkflow(ctx, idleWorkflow, 1, "", map[string]any{"n": i})
				if err != nil {
					if ctx.Err() == nil {
						failed.Add(1)
						logLimited(&logged, "start idle workflow %d: %v", i, err)
						if client.Temporary(err) {
							select { // server down: don't spin
							case <-ctx.Done():
							case <-time.After(100 * time.Millisecond):
							}
						}
					}
					continue
				}
				lat[i] = time.Since(st)
				started.Add(1)
			}
		})
	}
	progressDone := make(chan struct{})
	stopProgress := make(chan struct{})
	go func() {
		defer close(progressDone)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-stopProgress:
				return
			case <-tick.C:
				fmt.Fprintf(os.Stderr, "  %7d/%d started\n", started.Load(), n)
			}
		}
	}()
	wg.Wait()
	close(stopProgress)
	<-progressDone
	elapsed := time.Since(t0)
	afterStarts := s.sample()

	// Watch the server hold the idle workflows; a well-behaved server
	// uses next to no CPU here.
	select {
	case <-ctx.Done():
	case <-time.After(cfg.idleSettle):
	}
	settled := s.sample()
	s.Close()

	ok := lat[:0:0]
	for _, d := range lat {
		if d > 0 {
			ok = append(ok, d)
		}
	}
	r := &report{title: "idle (idle_probe: one task nobody polls)"}
	r.add("server", "%s%s", cfg.addr, pidNote(cfg.serverPID))
	r.add("settings", "%d workflows, %d concurrent starters", n, cfg.concurrency)
	r.add("started", "%d (%d errors) in %s", started.Load(), failed.Load(), round(elapsed))
	r.add("start rate", "%.1f workflows/s", perSecond(started.Load(), elapsed))
	r.add("start request", "%s", latencies(ok))
	r.add("http", "%s", counter.summary(elapsed))
	if cfg.serverPID == 0 {
		r.add("server cpu / rss", "n/a (pass -server-pid)")
	} else {
		if err := s.Err(); err != nil {
			r.add("server sampling", "error: %v", err)
		}
		r.add("server rss before", "%s", mib(before.rss))
		r.add("server rss after starts", "%s (max seen %s)", mib(afterStarts.rss), mib(s.MaxRSS()))
		r.add("server rss after settle", "%s (%v later; peak since start %s)", mib(settled.rss), cfg.idleSettle, mib(settled.hwm))
		if started.Load() > 0 && settled.exists && before.exists {
			per := float64(settled.rss-before.rss) / float64(started.Load())
			r.add("rss per idle workflow", "%.0f bytes", per)
		}
		r.add("server cpu (starting)", "%s", cpuUse(before, afterStarts))
		r.add("server cpu (idle)", "%s", cpuUse(afterStarts, settled))
	}
	r.add("loadgen", "GOMAXPROCS %d", runtime.GOMAXPROCS(0))
	r.print(os.Stdout)

	var errs []error
	if err := ctx.Err(); err != nil {
		errs = append(errs, err)
	}
	if failed.Load() > 0 {
		errs = append(errs, fmt.Errorf("%d of %d idle workflows failed to start", failed.Load(), n))
	}
	return errors.Join(errs...)
}
