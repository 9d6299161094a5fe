package decider

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/minheap"
	"github.com/legatohq/legato/pkg/workflow"
)

// Deadline is the earliest time (epoch ms) at which the workflow needs a
// Tick, or 0 when it needs none: the workflow's timeout; a task's timeout,
// poll timeout or response timeout; a WAIT task's due time; a started
// SUB_WORKFLOW's reconciliation; now for a DO_WHILE that yielded
// (loop.go); and, once ended, the retry of a failure workflow's start. It
// depends only on the state (not on State.Def).
func Deadline(s *State) int64 {
	var at int64
	if f := s.FailureWorkflow; f != nil && f.Pending {
		at = f.RetryAt // until recorded, even if an operator reopened it
	}
	if s.Status != api.WorkflowRunning {
		return at
	}
	if d := workflowDeadline(s); d > 0 && (at == 0 || d < at) {
		at = d
	}
	if d := s.index().due.next(); d != nil && (at == 0 || d.at < at) {
		at = d.at
	}
	return at
}

// taskDeadline is the earliest deadline of the open row t, 0 for none.
func taskDeadline(t *Task) int64 {
	var at int64
	for _, d := range [...]int64{responseDeadline(t), waitDeadline(t), timeoutDeadline(t), pollDeadline(t)} {
		if d > 0 && (at == 0 || d < at) {
			at = d
		}
	}
	return at
}

// dueEntry is a row's deadline as it was when pushed.
type dueEntry struct {
	at int64
	t  *Task
}

// dueHeap holds the open rows' deadlines, earliest first. A row's change
// pushes its new deadline and leaves the old entry behind: an entry is
// current only while its row is open and still has that deadline, and
// stale ones are dropped as they reach the top.
type dueHeap struct{ minheap.Heap[dueEntry] }

func (e dueEntry) Less(o dueEntry) bool { return e.at < o.at }

func (e dueEntry) current() bool {
	return !api.TaskTerminal(e.t.Status) && taskDeadline(e.t) == e.at
}

// next is the earliest current entry, or nil.
func (h *dueHeap) next() *dueEntry {
	for h.Len() > 0 {
		if e := h.Min(); e.current() {
			return e
		}
		h.Pop()
	}
	return nil
}

// passed returns the rows with a deadline at or before now, in row order,
// leaving their entries in place.
func (h *dueHeap) passed(now int64) []*Task {
	var popped []dueEntry
	var rows []*Task
	seen := map[*Task]bool{}
	for e := h.next(); e != nil && e.at <= now; e = h.next() {
		popped = append(popped, h.Pop())
		if t := popped[len(popped)-1].t; !seen[t] {
			seen[t] = true
			rows = append(rows, t)
		}
	}
	for _, e := range popped {
		h.Push(e)
	}
	slices.SortFunc(rows, func(a, b *Task) int { return cmp.Compare(a.Seq, b.Seq) })
	return rows
}

// responseDeadline is when an IN_PROGRESS task times out for lack of news
// from its worker.
func responseDeadline(t *Task) int64 {
	if t.Status != api.TaskInProgress || t.ResponseTimeoutSeconds <= 0 {
		return 0
	}
	if t.Awaiting {
		return 0 // an asyncComplete HTTP task waits for an update from outside
	}
	if isSubWorkflow(t) && t.WaitUntil > 0 {
		return 0 // the child runs; reconciled from WaitUntil instead
	}
	return t.UpdateTime + t.ResponseTimeoutSeconds*1000
}

// tick acts on every deadline that has passed: the workflow's timeout
// first, then, in task order, WAIT tasks that are due, DO_WHILEs that
// yielded, and task timeouts.
func (dc *decision) tick() {
	dc.retryFailureWorkflow()
	if !dc.running() {
		return
	}
	if d := workflowDeadline(dc.s); d > 0 && d <= dc.now {
		dc.timeOutWorkflow()
		return
	}
	for _, t := range dc.s.index().due.passed(dc.now) {
		if !dc.running() || api.TaskTerminal(t.Status) {
			continue
		}
		switch dc.dueKind(t) {
		case waitDue:
			if isSubWorkflow(t) {
				// The caller fed the child's end first if it has ended.
				dc.rearmSubWorkflow(t)
				continue
			}
			if wt := dc.defTask(t.Ref); wt != nil && wt.Type == workflow.TaskTypeDoWhile {
				dc.resumeLoop(t, wt)
				continue
			}
			dc.emit(events.Event{Type: events.TaskUpdated, Ref: t.Ref, TaskUpdated: &events.TaskUpdatedData{
				TaskID: t.ID, Status: api.TaskCompleted,
			}})
			dc.afterTerminal(t)
		case timeoutDue:
			p := dc.timeoutPolicy(t)
			dc.timeOutTask(t, p, timeoutReason("Task timed out", "Timeout", dc.now-t.FirstStartTime, t.TimeoutSeconds, p))
		case pollDue:
			p := dc.timeoutPolicy(t)
			dc.timeOutTask(t, p, timeoutReason("Task poll timed out", "Poll timeout", dc.now-pollBase(t), t.PollTimeoutSeconds, p))
		case responseDue:
			// As upstream, a response timeout ignores the timeoutPolicy:
			// the task follows its retry rules.
			dc.release(t)
			dc.emit(events.Event{Type: events.TaskUpdated, Ref: t.Ref, TaskUpdated: &events.TaskUpdatedData{
				TaskID: t.ID, Status: api.TaskTimedOut,
				Reason: "responseTimeout: " + strconv.FormatInt(t.ResponseTimeoutSeconds, 10) + " seconds elapsed without a worker update",
			}})
			dc.afterTerminal(t)
		}
	}
}

// dueKind is which of an open task's deadlines has passed, if any.
type dueKind int

const (
	notDue dueKind = iota
	waitDue
	timeoutDue
	pollDue
	responseDue
)

func (dc *decision) dueKind(t *Task) dueKind {
	passed := func(d int64) bool { return d > 0 && d <= dc.now }
	switch {
	case passed(waitDeadline(t)):
		return waitDue
	case passed(timeoutDeadline(t)):
		return timeoutDue
	case passed(pollDeadline(t)):
		return pollDue
	case passed(responseDeadline(t)):
		return responseDue
	}
	return notDue
}
