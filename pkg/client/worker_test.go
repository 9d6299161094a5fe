package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/legatohq/legato/pkg/api"
)

// fakeQueue mimics the task endpoints of a Conductor server for one queue:
// batch poll (long-polling until a task arrives or the timeout passes),
// update-v2 (returns the next queued task) and POST /tasks.
type fakeQueue struct {
	mu      sync.Mutex
	queue   []*api.Task
	arrived chan struct{} // closed and replaced when tasks are queued
	results map[string]api.TaskResult
	v1Posts int
	pollErr int // answer this many polls with 503 first
	polls   int

	reported chan api.TaskResult // every accepted result, in order
}

func newFakeQueue() *fakeQueue {
	return &fakeQueue{
		arrived:  make(chan struct{}),
		results:  map[string]api.TaskResult{},
		reported: make(chan api.TaskResult, 1024),
	}
}

func (f *fakeQueue) add(taskType string, n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		id := strconv.Itoa(len(f.queue) + len(f.results) + 1)
		f.queue = append(f.queue, &api.Task{
			TaskID: "t" + id, TaskType: taskType, Status: api.TaskInProgress,
			WorkflowInstanceID: "w" + id, InputData: map[string]any{"n": id},
		})
	}
	close(f.arrived)
	f.arrived = make(chan struct{})
}

// take removes up to n tasks; with none it returns the channel that is
// closed when some arrive.
func (f *fakeQueue) take(n int) ([]*api.Task, chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n = min(n, len(f.queue))
	out := f.queue[:n:n]
	f.queue = f.queue[n:]
	return out, f.arrived
}

func (f *fakeQueue) record(res api.TaskResult) {
	f.mu.Lock()
	f.results[res.TaskID] = res
	f.mu.Unlock()
	f.reported <- res
}

func (f *fakeQueue) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/tasks/poll/batch/{type}", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.polls++
		failing := f.polls <= f.pollErr
		f.mu.Unlock()
		if failing {
			writeJSON(w, 503, map[string]any{"status": 503, "message": "starting"})
			return
		}
		count, _ := strconv.Atoi(r.URL.Query().Get("count"))
		ms, _ := strconv.Atoi(r.URL.Query().Get("timeout"))
		deadline := time.NewTimer(time.Duration(ms) * time.Millisecond)
		defer deadline.Stop()
		for {
			tasks, arrived := f.take(count)
			if len(tasks) > 0 {
				writeJSON(w, 200, tasks)
				return
			}
			select {
			case <-arrived:
			case <-deadline.C:
				writeJSON(w, 200, []*api.Task{})
				return
			case <-r.Context().Done():
				return
			}
		}
	})
	mux.HandleFunc("POST /api/tasks/update-v2", func(w http.ResponseWriter, r *http.Request) {
		var res api.TaskResult
		if err := json.NewDecoder(r.Body).Decode(&res); err != nil {
			writeJSON(w, 400, map[string]any{"status": 400, "message": err.Error()})
			return
		}
		f.record(res)
		if next, _ := f.take(1); len(next) == 1 {
			writeJSON(w, 200, next[0])
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /api/tasks", func(w http.ResponseWriter, r *http.Request) {
		var res api.TaskResult
		if err := json.NewDecoder(r.Body).Decode(&res); err != nil {
			writeJSON(w, 400, map[string]any{"status": 400, "message": err.Error()})
			return
		}
		f.mu.Lock()
		f.v1Posts++
		f.mu.Unlock()
		f.record(res)
		fmt.Fprint(w, res.TaskID)
	})
	return mux
}

// startWorkers runs RunWorkers in a goroutine; stop cancels it and returns
// its error once it has returned.
func startWorkers(c *Client, ws ...Worker) (stop func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.RunWorkers(ctx, "test-worker", ws...) }()
	return func() error {
		cancel()
		return <-done
	}
}

func TestRunWorkersExecutesAndReports(t *testing.T) {
	noLeaks(t)
	f := newFakeQueue()
	c := newTestClient(t, f.handler())
	const n = 200
	f.add("double", n)

	stop := startWorkers(c, Worker{
		TaskType:    "double",
		Concurrency: 8,
		Pollers:     2,
		BatchSize:   4,
		PollTimeout: 200 * time.Millisecond,
		Execute: func(ctx context.Context, t *api.Task) Result {
			v, _ := strconv.Atoi(t.InputData["n"].(string))
			return Complete(map[string]any{"double": 2 * v})
		},
	})
	for range n {
		res := <-f.reported
		if res.Status != api.TaskCompleted || res.WorkerID != "test-worker" {
			t.Errorf("result %+v", res)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.results) != n {
		t.Fatalf("%d distinct results, want %d", len(f.results), n)
	}
	for id, res := range f.results {
		want := 2 * mustAtoi(t, id[1:])
		if got, _ := res.OutputData["double"].(float64); int(got) != want {
			t.Fatalf("task %s output %v, want double=%d", id, res.OutputData, want)
		}
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	v, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestRunWorkersBoundsConcurrency(t *testing.T) {
	noLeaks(t)
	f := newFakeQueue()
	c := newTestClient(t, f.handler())
	const n, limit = 60, 3
	f.add("slow", n)

	var mu sync.Mutex
	running, peak := 0, 0
	release := make(chan struct{})
	stop := startWorkers(c, Worker{
		TaskType:    "slow",
		Concurrency: limit,
		Pollers:     4,
		BatchSize:   10,
		PollTimeout: 100 * time.Millisecond,
		Execute: func(ctx context.Context, t *api.Task) Result {
			mu.Lock()
			running++
			peak = max(peak, running)
			mu.Unlock()
			<-release
			mu.Lock()
			running--
			mu.Unlock()
			return Result{}
		},
	})
	go func() {
		for range n {
			release <- struct{}{}
		}
	}()
	for range n {
		<-f.reported
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if peak > limit {
		t.Fatalf("peak concurrency %d exceeds %d", peak, limit)
	}
}

func TestRunWorkersReportsInFlightOnStop(t *testing.T) {
	noLeaks(t)
	f := newFakeQueue()
	c := newTestClient(t, f.handler())
	f.add("wait", 1)

	started := make(chan struct{})
	stop := startWorkers(c, Worker{
		TaskType: "wait",
		Execute: func(ctx context.Context, t *api.Task) Result {
			close(started)
			<-ctx.Done() // runs until the worker is stopped
			return Fail("interrupted")
		},
	})
	<-started
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	res := <-f.reported
	if res.TaskID != "t1" || res.Status != api.TaskFailed || res.ReasonForIncompletion != "interrupted" {
		t.Fatalf("result %+v", res)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.v1Posts != 1 {
		t.Fatalf("result sent with update-v2 during shutdown; want POST /tasks")
	}
}

func TestRunWorkersSurvivesPollErrorsAndPanics(t *testing.T) {
	noLeaks(t)
	f := newFakeQueue()
	f.pollErr = 2
	c := newTestClient(t, f.handler())
	f.add("boom", 1)

	reported := make(chan error, 1)
	stop := startWorkers(c, Worker{
		TaskType:    "boom",
		PollTimeout: 100 * time.Millisecond,
		Execute: func(ctx context.Context, t *api.Task) Result {
			panic("kaboom")
		},
		Reported: func(t *api.Task, res Result, err error) { reported <- err },
	})
	res := <-f.reported
	if err := <-reported; err != nil {
		t.Fatalf("Reported got %v", err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if res.Status != api.TaskFailed || res.ReasonForIncompletion != "worker panicked: kaboom" {
		t.Fatalf("result %+v", res)
	}
}

func TestRunWorkersStopsWhileIdle(t *testing.T) {
	noLeaks(t)
	f := newFakeQueue()
	c := newTestClient(t, f.handler())
	stop := startWorkers(c,
		Worker{TaskType: "a", Pollers: 3, Execute: func(context.Context, *api.Task) Result { return Result{} }},
		Worker{TaskType: "b", PollTimeout: 5 * time.Second, Execute: func(context.Context, *api.Task) Result { return Result{} }},
	)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestRunWorkersValidates(t *testing.T) {
	c := New("http://127.0.0.1:1")
	exec := func(context.Context, *api.Task) Result { return Result{} }
	for name, ws := range map[string][]Worker{
		"none":       nil,
		"no type":    {{Execute: exec}},
		"no execute": {{TaskType: "a"}},
		"long poll":  {{TaskType: "a", Execute: exec, PollTimeout: 6 * time.Second}},
		"second bad": {{TaskType: "a", Execute: exec}, {TaskType: "b"}},
	} {
		if err := c.RunWorkers(context.Background(), "w", ws...); err == nil {
			t.Errorf("%s: RunWorkers accepted invalid workers", name)
		}
	}
}

// noLeaks checks, after the test and all its cleanups (test servers, idle
// connections) are done, that no goroutine outlived it.
func noLeaks(t *testing.T) {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t) })
}
