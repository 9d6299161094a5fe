package history

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/vfs"
	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/persistence/pebble"
	"github.com/legatohq/legato/pkg/workflow"
)

// offers is the matching side of a test: it keeps what history offered
// and lets the test take tasks in its own order. Nothing polls its queues,
// so the test does what the system-task runners would (startChild).
type offers struct {
	mu sync.Mutex
	ds []api.Dispatch
	// occupied is what Occupy got; offeredFirst counts the dispatches
	// offered before it.
	occupied     []api.Dispatch
	offeredFirst int
}

func (o *offers) Dispatch(_ context.Context, ds []api.Dispatch) {
	o.mu.Lock()
	o.ds = append(o.ds, ds...)
	o.mu.Unlock()
}

func (o *offers) Withdraw(context.Context, []api.Dispatch) {}

func (o *offers) Release(context.Context, []api.Dispatch) {}

func (o *offers) Occupy(_ context.Context, ds []api.Dispatch) {
	o.mu.Lock()
	o.occupied = append(o.occupied, ds...)
	o.offeredFirst = len(o.ds)
	o.mu.Unlock()
}

// PollData: nobody polls these queues.

// take starts the offered task of a type in a workflow.
func (o *offers) take(t *testing.T, s *Service, wfID, taskType string) *api.Task {
	t.Helper()
	// A round replies before it dispatches: the offer may come just after.
	var d *api.Dispatch
	for end := time.Now().Add(5 * time.Second); d == nil; time.Sleep(time.Millisecond) {
		o.mu.Lock()
		for i := range o.ds {
			if o.ds[i].WorkflowID == wfID && o.ds[i].TaskType == taskType {
				d = &o.ds[i]
			}
		}
		o.mu.Unlock()
		if d == nil && time.Now().After(end) {
			t.Fatalf("no %s task offered for %s", taskType, wfID)
		}
	}
	st := s.RecordTasksStarted(context.Background(), []api.StartTask{{WorkflowID: wfID, TaskID: d.TaskID, WorkerID: "test"}})
	if st[0].Err != nil {
		t.Fatal(st[0].Err)
	}
	return st[0].Task
}

// memStore opens an in-memory store holding defs, closed with the test.
func memStore(t *testing.T, defs ...*workflow.WorkflowDef) *pebble.Store {
	t.Helper()
	store, err := pebble.Open(pebble.Options{Dir: "db", FS: vfs.NewMem()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	for _, def := range defs {
		def.ApplyDefaults()
		if err := store.PutWorkflowDef(context.Background(), def); err != nil {
			t.Fatal(err)
		}
	}
	return store
}

// startService runs a history service on store with a clock the test
// moves, and the offers matching would get.
func startService(t *testing.T, store *pebble.Store, clock *atomic.Int64) (*Service, *offers) {
	t.Helper()
	clock.Store(time.Now().UnixMilli())
	match := &offers{}
	s, err := New(Options{Exec: store, Meta: store, Matching: match, Shards: 4,
		Now: func() time.Time { return time.UnixMilli(clock.Load()) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, match
}

// startChild starts the child of SUB_WORKFLOW task sub as the system-task
// runner does and reports the task IN_PROGRESS with the child's id.
func startChild(t *testing.T, s *Service, sub *api.Task, name string) string {
	t.Helper()
	ctx := context.Background()
	child, err := s.StartWorkflow(ctx, &api.StartWorkflowRequest{Name: name, ParentWorkflowID: sub.WorkflowInstanceID,
		ParentWorkflowTaskID: sub.TaskID, IdempotencyKey: sub.TaskID, IdempotencyStrategy: api.IdempotencyReturnExisting})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateTask(ctx, &api.TaskResult{WorkflowInstanceID: sub.WorkflowInstanceID, TaskID: sub.TaskID,
		WorkerID: api.SystemWorkerID, Status: api.TaskInProgress, SubWorkflowID: child,
		OutputData: map[string]any{decider.SubWorkflowIDKey: child}}); err != nil {
		t.Fatal(err)
	}
	return child
}

// TestChildEndReconciled: when the note carrying a child's end is lost
// (as in a crash between the child's commit and the parent's), the
// parent's SUB_WORKFLOW task learns it at its reconciliation deadline.
func TestChildEndReconciled(t *testing.T) {
	ctx := context.Background()
	store := memStore(t,
		&workflow.WorkflowDef{Name: "kid", Version: 1, Tasks: []*workflow.WorkflowTask{{Name: "k", TaskReferenceName: "k", Type: workflow.TaskTypeSimple}}},
		&workflow.WorkflowDef{Name: "mom", Version: 1, Tasks: []*workflow.WorkflowTask{{Name: "sub", TaskReferenceName: "sub", Type: workflow.TaskTypeSubWorkflow,
			SubWorkflowParam: &workflow.SubWorkflowParams{Name: "kid"}}}})
	var clock atomic.Int64
	s, match := startService(t, store, &clock)

	parent, err := s.StartWorkflow(ctx, &api.StartWorkflowRequest{Name: "mom", CorrelationID: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	sub := match.take(t, s, parent, workflow.TaskTypeSubWorkflow)
	child := startChild(t, s, sub, "kid")
	pw, err := s.Workflow(ctx, parent, true)
	if err != nil {
		t.Fatal(err)
	}
	if pw.Tasks[0].Status != api.TaskInProgress || pw.Tasks[0].SubWorkflowID != child {
		t.Fatalf("sub task %s, child %q, want %q", pw.Tasks[0].Status, pw.Tasks[0].SubWorkflowID, child)
	}

	s.notes.mu.Lock()
	s.notes.drop = true
	s.notes.mu.Unlock()
	k := match.take(t, s, child, "k")
	if _, err := s.UpdateTask(ctx, &api.TaskResult{WorkflowInstanceID: child, TaskID: k.TaskID,
		Status: api.TaskCompleted, OutputData: map[string]any{"x": 1}}); err != nil {
		t.Fatal(err)
	}
	if pw, _ = s.Workflow(ctx, parent, false); pw.Status != api.WorkflowRunning {
		t.Fatalf("parent %s before reconciliation", pw.Status)
	}

	// Past the reconciliation deadline, the parent's next round ticks it.
	clock.Add(time.Minute.Milliseconds())
	ch, cancel := s.Watch(parent)
	defer cancel()
	if err := s.AddTaskLog(ctx, sub.TaskID, "wake the shard"); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(10 * time.Second)
	for {
		pw, err = s.Workflow(ctx, parent, true)
		if err != nil {
			t.Fatal(err)
		}
		if pw.Status != api.WorkflowRunning {
			break
		}
		select {
		case <-ch:
			ch, cancel = s.Watch(parent)
			defer cancel()
		case <-deadline:
			t.Fatalf("parent still %s, sub task %s", pw.Status, pw.Tasks[0].Status)
		}
	}
	if pw.Status != api.WorkflowCompleted || pw.Tasks[0].OutputData["x"] != 1.0 || pw.Tasks[0].SubWorkflowID != child {
		t.Fatalf("parent %s, sub task output %v", pw.Status, pw.Tasks[0].OutputData)
	}
}
