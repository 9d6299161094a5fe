package e2e

import (
	"testing"
	"time"
)

// awaitWithin is how long awaitWorkflow waits for a condition. It only
// bounds a failing test: a passing one returns as soon as the condition
// holds.
const awaitWithin = 30 * time.Second

// await calls cond until it holds and reports whether it did before within
// passed. Between calls it backs off from 5 ms to 100 ms: the engine acts
// within milliseconds, so the first retries catch it, and a slow run does
// not flood the server. The backoff is a poll interval, not a timing the
// test depends on. It gives up early when the test ends.
func await(t *testing.T, within time.Duration, cond func() bool) bool {
	t.Helper()
	end := time.Now().Add(within)
	delay := 5 * time.Millisecond
	for !cond() {
		if time.Now().After(end) {
			return false
		}
		select {
		case <-t.Context().Done():
			return false
		case <-time.After(delay):
		}
		delay = min(2*delay, 100*time.Millisecond)
	}
	return true
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
