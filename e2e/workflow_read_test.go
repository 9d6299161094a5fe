package e2e

import (
	"testing"
	"time"
)

// readAs reads a workflow, tasks included, into W: the part of a Workflow
// a test checks.
func readAs[W any](t *testing.T, u, id string) W {
	t.Helper()
	var wf W
	do(t, "GET", u+"/workflow/"+id, nil).want(t, 200).json(t, &wf)
	return wf
}

// awaitAs reads a workflow until pred holds or within passes.
func awaitAs[W any](t *testing.T, u, id, what string, within time.Duration, pred func(W) bool) W {
	t.Helper()
	end := time.Now().Add(within)
	for {
		wf := readAs[W](t, u, id)
		if pred(wf) {
			return wf
		}
		if time.Now().After(end) {
			t.Fatalf("workflow %s: not %s after %s: %+v", id, what, within, wf)
		}
		time.Sleep(20 * time.Millisecond) // waiting for the engine, not timing it
	}
}
