package main

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/client"
)

// runLoop runs one loop_probe workflow: a DO_WHILE of cfg.loopIterations
// iterations over one loop_step task, keeping the last loopKeepLast, its
// steps completed by workers. It reports the time per iteration for each
// block of (up to) a thousand iterations, the last block against the
// first (a loop whose cost grows with its history shows here), and the
// server's CPU per iteration and peak RSS. It checks that the workflow
// COMPLETED after exactly that many iterations and kept only the last
// loopKeepLast iterations' task rows.
func runLoop(ctx context.Context, cfg config) error {
	c, counter := newClient(cfg)
	defer c.CloseIdleConnections()
	if err := register(ctx, c, loopProbe(), loopTask); err != nil {
		return err
	}
	n := cfg.loopIterations
	corr := fmt.Sprintf("loop-%d", time.Now().UnixNano())
	// ends[i] is when the result of iteration i's step was acknowledged,
	// in nanoseconds since t0; ends[0] stays 0, the start request.
	ends := make([]atomic.Int64, n+1)
	var done atomic.Int64
	t0 := time.Now()
	w := batchWorker(cfg, loopTask)
	w.Execute = func(_ context.Context, t *api.Task) client.Result {
		return client.Complete(map[string]any{"iteration": t.InputData["iteration"]})
	}
	w.Reported = func(t *api.Task, r client.Result, err error) {
		if err != nil || r.Status != api.TaskCompleted || t.CorrelationID != corr {
			return
		}
		i, ok := t.InputData["iteration"].(float64)
		if ok && i >= 1 && int(i) <= n && ends[int(i)].CompareAndSwap(0, int64(time.Since(t0))) {
			done.Add(1)
		}
	}

	s := startSampler(cfg.serverPID, 250*time.Millisecond)
	defer s.Close()
	before := s.sample()
	counter.requests.Store(0)
	workCtx, stopWork := context.WithCancel(ctx)
	defer stopWork()
	workersDone := make(chan error, 1)
	go func() { workersDone <- c.RunWorkers(workCtx, cfg.workerID, w) }()

	var wf *api.Workflow
	id, err := c.StartWorkflow(ctx, loopWorkflow, 1, corr, map[string]any{"iterations": n})
	if err == nil {
		err = awaitCount(ctx, c, id, done.Load, int64(n), "iterations", time.Time{}, cfg.stall)
		// With the tasks, to count the rows keepLastN left.
		var readErr error
		wf, readErr = awaitEnded(ctx, c, id, true, cfg.stall)
		if err == nil {
			err = readErr
		}
	} else {
		err = fmt.Errorf("start: %w", err)
	}
	after := s.sample()
	elapsed := time.Since(t0)
	stopWork()
	err = errors.Join(err, <-workersDone)
	s.Close()
	if id != "" && (wf == nil || !api.WorkflowTerminal(wf.Status)) {
		err = errors.Join(err, terminateLeftover(ctx, c, id))
	}
	iterations := int(done.Load())

	r := &report{title: fmt.Sprintf("loop (loop_probe: DO_WHILE of %d × %s, keepLastN %d)", n, loopTask, loopKeepLast)}
	r.add("server", "%s%s", cfg.addr, pidNote(cfg.serverPID))
	r.add("settings", "%d iterations, %d pollers × batch %d", n, cfg.workers, cfg.batch)
	kept, loopOut := 0, -1
	switch {
	case wf == nil:
		r.add("result", "not read: %v", err)
	case wf.Status == api.WorkflowCompleted:
		kept = len(wf.Tasks)
		loopOut = loopIteration(wf)
		r.add("result", "COMPLETED in %s (server startTime → endTime); %d iterations; %d task rows kept (keepLastN %d)",
			round(time.Duration(wf.EndTime-wf.StartTime)*time.Millisecond), loopOut, kept, loopKeepLast)
	default:
		r.add("result", "%s after %d of %d iterations %s", wf.Status, iterations, n, wf.ReasonForIncompletion)
	}
	addBlocks(r, ends[:iterations+1])
	if cfg.serverPID == 0 {
		r.add("server cpu / rss", "n/a (pass -server-pid)")
	} else {
		if err := s.Err(); err != nil {
			r.add("server sampling", "error: %v", err)
		}
		if iterations > 0 && before.exists && after.exists {
			r.add("server cpu", "%s per iteration (%s)", round((after.cpu-before.cpu)/time.Duration(iterations)), cpuUse(before, after))
		}
		r.add("server rss", "max sampled %s (VmHWM since server start %s)", mib(s.MaxRSS()), mib(after.hwm))
	}
	r.add("http", "%s", counter.summary(elapsed))
	r.print(cfg.out)

	if wf != nil && wf.Status == api.WorkflowCompleted {
		if loopOut != n || iterations != n {
			err = errors.Join(err, fmt.Errorf("workflow %s: the DO_WHILE ran %d iterations (%d steps acknowledged), want %d", id, loopOut, iterations, n))
		}
		if kept > 1+min(n, loopKeepLast) {
			err = errors.Join(err, fmt.Errorf("workflow %s: %d task rows kept, want at most %d with keepLastN %d", id, kept, 1+loopKeepLast, loopKeepLast))
		}
	} else if wf != nil && err == nil {
		err = fmt.Errorf("workflow %s: %s (%s), want COMPLETED", id, wf.Status, wf.ReasonForIncompletion)
	}
	return err
}

// loopIteration is the iteration the workflow's DO_WHILE row ended on, or
// -1 if there is none.
func loopIteration(wf *api.Workflow) int {
	for _, t := range wf.Tasks {
		if t.ReferenceTaskName == "loop" {
			if it, ok := t.OutputData["iteration"].(float64); ok {
				return int(it)
			}
		}
	}
	return -1
}

// addBlocks adds the time per iteration for each block of iterations,
// from ends (ends[i]: when iteration i ended; ends[0] the start), then the
// last full block against the first. A block is a thousand iterations, or
// a tenth of a shorter run.
func addBlocks(r *report, ends []atomic.Int64) {
	n := len(ends) - 1
	if n < 1 {
		return
	}
	size := min(1000, max(1, n/10))
	per := func(lo, hi int) time.Duration { // iterations lo+1..hi
		return time.Duration(ends[hi].Load()-ends[lo].Load()) / time.Duration(hi-lo)
	}
	for lo := 0; lo < n; lo += size {
		hi := min(lo+size, n)
		r.add(fmt.Sprintf("iterations %d-%d", lo+1, hi), "%s per iteration", round(per(lo, hi)))
	}
	if full := n / size; full >= 2 {
		first, last := per(0, size), per((full-1)*size, full*size)
		r.add("first vs last", "first %d %s, last %d %s per iteration; last / first %.2f",
			size, round(first), size, round(last), float64(last)/float64(first))
	}
}
