package systask

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/persistence/pebble"
	"github.com/legatohq/legato/pkg/workflow"
	"github.com/legatohq/legato/services/history"
	"github.com/legatohq/legato/services/matching"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// engine is a real Pebble store, matching and history, wired as
// cmd/legato wires them, with the runners of this package over them. A
// test in this package may import the services it runs against; the
// package itself may not.
type engine struct {
	store *pebble.Store
	match *matching.Service
	hist  *history.Service
	sys   *Service
}

// lateHistory lets matching be built before the history it calls.
type lateHistory struct{ h *history.Service }

func (l *lateHistory) RecordTasksStarted(ctx context.Context, reqs []api.StartTask) []api.StartedTask {
	return l.h.RecordTasksStarted(ctx, reqs)
}

func (l *lateHistory) QueuePolled(q api.TaskQueue, at int64) { l.h.QueuePolled(q, at) }

// startEngine starts the store, matching and history with defs stored,
// and builds the runners; run starts them too, else the test calls them.
func startEngine(t *testing.T, run bool, defs ...*workflow.WorkflowDef) *engine {
	t.Helper()
	ctx := context.Background()
	e := &engine{}
	var err error
	if e.store, err = pebble.Open(pebble.Options{Dir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	for _, d := range defs {
		d.ApplyDefaults()
		if err := e.store.PutWorkflowDef(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	lh := &lateHistory{}
	if e.match, err = matching.New(matching.Options{History: lh}); err != nil {
		t.Fatal(err)
	}
	if e.hist, err = history.New(history.Options{Exec: e.store, Meta: e.store, Matching: e.match, Shards: 2}); err != nil {
		t.Fatal(err)
	}
	lh.h = e.hist
	if err := e.hist.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if e.sys, err = New(Options{Matching: e.match, History: e.hist}); err != nil {
		t.Fatal(err)
	}
	if run {
		e.sys.Start(ctx)
	}
	// Runners first: they act through history and poll matching.
	t.Cleanup(func() {
		e.sys.Close()
		e.match.Close()
		e.hist.Close()
		e.store.Close()
	})
	return e
}

// start starts a workflow.
func (e *engine) start(t *testing.T, req *api.StartWorkflowRequest) string {
	t.Helper()
	id, err := e.hist.StartWorkflow(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// await returns workflow id once done holds for it, failing the test if
// that takes over 30 seconds. It waits on history's commits, not a clock.
func (e *engine) await(t *testing.T, id string, done func(*api.Workflow) bool) *api.Workflow {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		ch, cancel := e.hist.Watch(id)
		wf, err := e.hist.Workflow(context.Background(), id, true)
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		if done(wf) {
			cancel()
			return wf
		}
		select {
		case <-ch:
			cancel()
		case <-deadline:
			cancel()
			t.Fatalf("workflow %s still %s: %+v", id, wf.Status, wf.Tasks)
		}
	}
}

// ended is await's condition for a workflow that has ended.
func ended(wf *api.Workflow) bool { return api.WorkflowTerminal(wf.Status) }

// poll takes one task of taskType in domain as a worker would.
func (e *engine) poll(t *testing.T, taskType, domain string) *api.Task {
	t.Helper()
	tasks, err := e.match.Poll(context.Background(), taskType, domain, "test", 1, 5*time.Second)
	if err != nil || len(tasks) != 1 {
		t.Fatalf("poll %s/%s: %d tasks, %v", taskType, domain, len(tasks), err)
	}
	return tasks[0]
}

// complete reports task t COMPLETED with output.
func (e *engine) complete(t *testing.T, task *api.Task, output map[string]any) {
	t.Helper()
	if _, err := e.hist.UpdateTask(context.Background(), &api.TaskResult{WorkflowInstanceID: task.WorkflowInstanceID,
		TaskID: task.TaskID, WorkerID: "test", Status: api.TaskCompleted, OutputData: output}); err != nil {
		t.Fatal(err)
	}
}

// row is the latest attempt of ref in wf.
func row(t *testing.T, wf *api.Workflow, ref string) *api.Task {
	t.Helper()
	for i := len(wf.Tasks) - 1; i >= 0; i-- {
		if wf.Tasks[i].ReferenceTaskName == ref {
			return wf.Tasks[i]
		}
	}
	t.Fatalf("workflow %s has no %s task: %+v", wf.WorkflowID, ref, wf.Tasks)
	return nil
}
