package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/legatohq/legato/pkg/client"
)

// startBatch is the outcome of starting n workflows as fast as a number of
// concurrent starters go (the idle and timers modes).
type startBatch struct {
	ids     []string        // by index; "" where the start failed
	lat     []time.Duration // start request latencies of the started ones
	started int64
	failed  int64
	t0      time.Time // first start request
	elapsed time.Duration
}

// startAll starts workflows 0..n-1 with start from concurrency goroutines,
// printing progress to stderr once a second. what names the workflows in
// error messages.
func startAll(ctx context.Context, n, concurrency int, what string, start func(ctx context.Context, i int) (string, error)) *startBatch {
	b := &startBatch{ids: make([]string, n), t0: time.Now()}
	lat := make([]time.Duration, n)
	var next, started, failed, logged atomic.Int64
	var wg sync.WaitGroup
	for range min(concurrency, n) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				st := time.Now()
				id, err := start(ctx, i)
				if err != nil {
					if ctx.Err() == nil {
						failed.Add(1)
						logLimited(&logged, "start %s workflow %d: %v", what, i, err)
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
				b.ids[i] = id
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
	b.elapsed = time.Since(b.t0)
	b.started, b.failed = started.Load(), failed.Load()
	for _, d := range lat {
		if d > 0 {
			b.lat = append(b.lat, d)
		}
	}
	return b
}
