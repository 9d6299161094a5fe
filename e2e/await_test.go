package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/client"
)

// awaitWithin is how long awaitWorkflow waits for a condition. It only
// bounds a failing test: a passing one returns as soon as the condition
// holds.
const awaitWithin = 30 * time.Second

// until calls cond until it holds and reports whether it did before ctx
// ended. Between calls it backs off from 5 ms to 100 ms: the engine acts
// within milliseconds, so the first retries catch it, and a slow run (or
// a server being restarted) is not flooded. The backoff is a poll
// interval, not a timing any test depends on. cond is also how workers
// retry a call while the server is down: it holds once the call went
// through.
func until(ctx context.Context, cond func() bool) bool {
	delay := 5 * time.Millisecond
	for !cond() {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(delay):
		}
		delay = min(2*delay, 100*time.Millisecond)
	}
	return true
}

// await is until with a deadline within from now, for a test goroutine.
func await(t *testing.T, within time.Duration, cond func() bool) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), within)
	defer cancel()
	return until(ctx, cond)
}

// awaitWorkflow reads a workflow until pred holds, and fails the test with
// the last read when it does not within awaitWithin.
func awaitWorkflow(t *testing.T, u, id, what string, pred func(view) bool) view {
	t.Helper()
	var wf view
	if !await(t, awaitWithin, func() bool { wf = readWorkflow(t, u, id); return pred(wf) }) {
		t.Fatalf("workflow %s: not %s after %s: %s %q, rows %s", id, what, awaitWithin, wf.Status, wf.ReasonForIncompletion, wf.rows())
	}
	return wf
}

// awaitEnded reads a workflow through the typed client until it has
// ended, and fails the test with the last read when ctx ends first.
func awaitEnded(t *testing.T, ctx context.Context, c *client.Client, id string) *api.Workflow {
	t.Helper()
	var wf *api.Workflow
	var err error
	if !until(ctx, func() bool { wf, err = c.Workflow(ctx, id, true); return err == nil && api.WorkflowTerminal(wf.Status) }) {
		t.Fatalf("workflow %s not terminal: last %v %v", id, wf, err)
	}
	return wf
}
