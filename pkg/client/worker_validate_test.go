package client

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
)

// TestWorkerValidate: RunWorkers names the bad field and its value, and
// starts nothing.
func TestWorkerValidate(t *testing.T) {
	run := func(context.Context, *api.Task) Result { return Result{} }
	for _, c := range []struct {
		w    Worker
		want string
	}{
		{Worker{Execute: run}, "client: invalid worker: Worker.TaskType is empty, want a task type"},
		{Worker{TaskType: "t"}, `client: invalid worker "t": Worker.Execute is nil, want a func`},
		{Worker{TaskType: "t", Execute: run, Concurrency: -1}, `client: invalid worker "t": Worker.Concurrency is -1, want >= 1`},
		{Worker{TaskType: "t", Execute: run, Pollers: -2}, `client: invalid worker "t": Worker.Pollers is -2, want >= 1`},
		{Worker{TaskType: "t", Execute: run, BatchSize: -3}, `client: invalid worker "t": Worker.BatchSize is -3, want 1..Concurrency`},
		{Worker{TaskType: "t", Execute: run, PollTimeout: 6 * time.Second}, `client: invalid worker "t": Worker.PollTimeout is 6s, want 0..5s`},
	} {
		err := New("http://127.0.0.1:1").RunWorkers(t.Context(), "w", c.w)
		if !errors.Is(err, ErrInvalidWorker) || err.Error() != c.want {
			t.Errorf("RunWorkers: %v, want %q", err, c.want)
		}
	}
}
