package history

import (
	"context"
	"errors"
	"sync"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/persistence"
)

// Workflows that start workflows (the task's life is in the decider's
// subworkflow.go).
//
// Starting: the system-task runners (services/systask) start the child
// with StartWorkflow, keyed by the parent task's id (idempotency strategy
// RETURN_EXISTING), so re-running an attempt after a crash finds the
// child it started instead of starting a second one. A SUB_WORKFLOW child
// carries parentWorkflowId/parentWorkflowTaskId and inherits the parent's
// correlationId, taskToDomain and priority.
//
// A child's end reaches its parent as a note: after the round that
// commits a child's WorkflowEnded, the shard hands a task result to the
// Service's note runner (never blocking the shard), which applies it to the
// parent through UpdateTask in the parent's shard. Notes live in memory
// only. If the process dies between the two commits, the parent's
// reconciliation deadline (a started SUB_WORKFLOW's WaitUntil) brings a
// Tick; on it the round reads the child's committed state from the store
// and, if the child has ended, applies its result before the Tick. A lost
// note thus delays the parent by at most the reconciliation interval.
//
// Terminating: when a round cancels a SUB_WORKFLOW task whose child was
// started (operator terminate, or the parent failing), a note terminates
// the child. This is best effort: if the process dies before the note is
// delivered, the child runs on by itself; its end is then ignored by the
// parent, whose task is already finished. Likewise a child started for an
// attempt that ended while the start was in flight is terminated by the
// runner that started it.

// note is one message from a committed round to another workflow.
type note struct {
	// result is a child's end, for its parent's SUB_WORKFLOW task.
	result *api.TaskResult
	// terminate names a child to terminate, for reason.
	terminate string
	reason    string
	// failed names a failed workflow whose failure workflow is to start
	// (failureworkflow.go).
	failed string
}

// noteConcurrency bounds the notes being delivered at once.
const noteConcurrency = 64

// noteQueue is an unbounded queue: a shard pushes without ever waiting
// for the runner, which may itself be waiting for that shard.
type noteQueue struct {
	mu    sync.Mutex
	items []note
	wake  chan struct{}
	// drop discards every note: tests use it to lose notes as a crash
	// between two commits would.
	drop bool
}

func newNoteQueue() *noteQueue { return &noteQueue{wake: make(chan struct{}, 1)} }

func (q *noteQueue) push(ns []note) {
	if len(ns) == 0 {
		return
	}
	q.mu.Lock()
	if !q.drop {
		q.items = append(q.items, ns...)
	}
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *noteQueue) take() []note {
	q.mu.Lock()
	defer q.mu.Unlock()
	ns := q.items
	q.items = nil
	return ns
}

// runNotes delivers notes until ctx ends and waits for every delivery it
// started. Notes still queued then are dropped (see above).
func (s *Service) runNotes(ctx context.Context) {
	var wg sync.WaitGroup
	defer wg.Wait()
	slots := make(chan struct{}, noteConcurrency)
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.notes.wake:
		}
		for _, n := range s.notes.take() {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return
			}
			wg.Add(1)
			go func() {
				defer func() { <-slots; wg.Done() }()
				s.deliver(ctx, n)
			}()
		}
	}
}

func (s *Service) deliver(ctx context.Context, n note) {
	var err error
	switch {
	case n.failed != "":
		err = s.startFailureWorkflow(ctx, n.failed)
	case n.result != nil:
		_, err = s.UpdateTask(ctx, n.result)
	default:
		err = s.Terminate(ctx, n.terminate, n.reason)
		if api.KindOf(err) == api.KindConflict {
			err = nil // it has ended already
		}
	}
	if api.KindOf(err) == api.KindNotFound {
		err = nil // removed meanwhile: nobody to tell
	}
	if err != nil && ctx.Err() == nil {
		s.opts.Logger.Warn("history: delivering a note failed", "result", n.result != nil,
			"terminate", n.terminate, "failed", n.failed, "err", err)
	}
}

// appendNotes adds a committed Result's notes for other workflows, of
// workflow id, to ns.
func appendNotes(ns []note, id string, n *decider.Notes) []note {
	if n.StartFailureWorkflow {
		ns = append(ns, note{failed: id})
	}
	if n.ChildEnded != nil {
		ns = append(ns, note{result: n.ChildEnded})
	}
	for _, c := range n.TerminateChildren {
		ns = append(ns, note{terminate: c.WorkflowID, reason: c.Reason})
	}
	return ns
}

// reconcile is the safety net for lost notes: before a Tick, it reads
// the child of each SUB_WORKFLOW whose reconciliation is due and applies
// the child's end, if it has ended, to the round's state of the parent.
func (rb *roundBuilder) reconcile(ctx context.Context, t *touched, now int64) {
	svc := rb.sh.svc
	for _, task := range decider.OpenSubWorkflows(t.state, now) {
		childID := decider.SubWorkflowID(task)
		child, err := svc.loadState(ctx, childID)
		var res *api.TaskResult
		switch {
		case errors.Is(err, persistence.ErrNotFound):
			res = &api.TaskResult{WorkflowInstanceID: t.state.WorkflowID, TaskID: task.ID, WorkerID: api.SystemWorkerID,
				Status: api.TaskFailed, ReasonForIncompletion: "Sub workflow " + childID + " not found",
				OutputData: map[string]any{decider.SubWorkflowIDKey: childID}}
		case err != nil:
			svc.opts.Logger.Warn("history: reading a sub-workflow failed", "workflow_id", childID, "err", err)
			continue
		case child.ParentWorkflowID == t.state.WorkflowID && child.ParentWorkflowTaskID == task.ID:
			res = decider.ChildResult(child)
		}
		if res == nil {
			continue
		}
		out, err := rb.sh.env.decide(t.state, decider.Input{TaskResult: res}, now)
		if err != nil {
			continue
		}
		rb.absorb(t, &out)
	}
}
