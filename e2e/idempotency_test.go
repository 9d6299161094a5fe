package e2e

import (
	"testing"
	"time"
)

// TestIdempotentStart: a start with an idempotencyKey happens once;
// RETURN_EXISTING answers the first workflow's id, FAIL answers 409, and
// both hold across a restart.
func TestIdempotentStart(t *testing.T) {
	data := t.TempDir()
	srv := startServer(t, data)
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/workflow", `{"name":"once","tasks":[{"name":"once_task","taskReferenceName":"a"}]}`).want(t, 200)
	start := func(u, key, strategy string) call {
		return do(t, "POST", u+"/workflow", map[string]any{"name": "once", "idempotencyKey": key, "idempotencyStrategy": strategy, "input": map[string]any{"k": key}})
	}
	first := string(start(u, "order-1", "RETURN_EXISTING").want(t, 200).body)
	if again := string(start(u, "order-1", "RETURN_EXISTING").want(t, 200).body); again != first {
		t.Fatalf("RETURN_EXISTING started %s, want the existing %s", again, first)
	}
	start(u, "order-1", "FAIL").want(t, 409).errorBody(t, first)
	start(u, "order-1", "").want(t, 409) // FAIL is the default
	start(u, "order-1", "SOMETIMES").want(t, 400)
	other := string(start(u, "order-2", "FAIL").want(t, 200).body)
	if other == first {
		t.Fatal("different keys gave the same workflow")
	}
	// Without a key every start is new.
	a := string(do(t, "POST", u+"/workflow/once", `{}`).want(t, 200).body)
	b := string(do(t, "POST", u+"/workflow/once", `{}`).want(t, 200).body)
	if a == b {
		t.Fatal("starts without an idempotency key share an id")
	}

	srv.stop()
	srv = startServer(t, data)
	u = srv.URL + "/api"
	if again := string(start(u, "order-1", "RETURN_EXISTING").want(t, 200).body); again != first {
		t.Fatalf("after restart RETURN_EXISTING answered %s, want %s", again, first)
	}
	start(u, "order-2", "FAIL").want(t, 409)
	var running []string
	do(t, "GET", u+"/workflow/running/once", nil).want(t, 200).json(t, &running)
	if len(running) != 4 {
		t.Fatalf("running workflows %v, want 4 (two keyed, two not)", running)
	}
	checkReplay(t, testCtx(t, time.Minute), srv, []string{first, other, a, b})
}
