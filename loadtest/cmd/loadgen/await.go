package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/client"
)

// awaitCount waits until done() reaches target, printing progress to
// stderr once a second, and gives up at deadline (zero: none) or when
// done() has not moved for stall (zero: never). The fanout and loop modes
// count their workflow id's acknowledged task results this way rather
// than reading the workflow, whose reads would load the server being
// measured. It looks every 20ms, so that a run's end, and the CPU window
// around it, is not stretched to the next progress line. Every 5s it reads
// the workflow (without its tasks) all the same, so that one that failed
// (a fork list over the script limits, say) is not waited for until the
// deadline; a COMPLETED one is waited for, as the last results' callbacks
// may still be running.
func awaitCount(ctx context.Context, c *client.Client, id string, done func() int64, target int64, what string, deadline time.Time, stall time.Duration) error {
	const checkEvery = 5 * time.Second
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	t0 := time.Now()
	last, lastChange, lastPrint, lastCheck := done(), t0, t0, t0
	for last < target {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case now := <-tick.C:
			n := done()
			if now.Sub(lastPrint) >= time.Second {
				fmt.Fprintf(os.Stderr, "  %7d/%d %s\n", n, target, what)
				lastPrint = now
			}
			if n != last {
				last, lastChange = n, now
			}
			switch {
			case n >= target:
			case !deadline.IsZero() && now.After(deadline):
				return fmt.Errorf("gave up: %d of %d %s by the deadline", n, target, what)
			case stall > 0 && now.Sub(lastChange) > stall:
				return fmt.Errorf("gave up: %d of %d %s, none for %v", n, target, what, stall)
			case now.Sub(lastCheck) >= checkEvery:
				lastCheck = now
				rctx, cancel := context.WithTimeout(ctx, checkEvery)
				wf, err := c.Workflow(rctx, id, false)
				cancel()
				if err == nil && api.WorkflowTerminal(wf.Status) && wf.Status != api.WorkflowCompleted {
					return fmt.Errorf("workflow %s ended %s (%s) after %d of %d %s", id, wf.Status, wf.ReasonForIncompletion, done(), target, what)
				}
			}
		}
	}
	return nil
}

// awaitEnded reads the workflow id until it has ended or timeout has
// passed, and returns the last read. Its last task's result is in by the
// time this is called, so the workflow ends within a decision or two.
func awaitEnded(ctx context.Context, c *client.Client, id string, includeTasks bool, timeout time.Duration) (*api.Workflow, error) {
	deadline := time.Now().Add(timeout)
	for {
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		wf, err := c.Workflow(rctx, id, includeTasks)
		cancel()
		switch {
		case err == nil && api.WorkflowTerminal(wf.Status):
			return wf, nil
		case ctx.Err() != nil:
			return wf, fmt.Errorf("workflow %s: %w", id, ctx.Err())
		case time.Now().After(deadline):
			if err != nil {
				return nil, fmt.Errorf("workflow %s: %w", id, err)
			}
			return wf, fmt.Errorf("workflow %s: still %s after %v", id, wf.Status, timeout)
		}
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// terminateLeftover ends a workflow a mode gave up on, so that its open
// tasks do not feed the next run's workers. The run's context may be done
// already (Ctrl-C), so this one has its own short deadline.
func terminateLeftover(ctx context.Context, c *client.Client, id string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := c.Terminate(ctx, id, "loadgen: gave up on this run"); err != nil && !client.IsConflict(err) {
		return fmt.Errorf("terminate workflow %s: %w", id, err)
	}
	return nil
}
