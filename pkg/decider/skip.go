package decider

import (
	"fmt"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
)

// The operator's skip of a task the running workflow has not reached yet:
// a SKIPPED row is recorded now (TaskScheduled, then TaskUpdated
// SKIPPED), and when the flow gets to the task, schedule steps over it to
// what follows. As upstream, a task that already has a row (scheduled,
// running or ended) cannot be skipped. Tasks of a DO_WHILE body cannot
// either: their rows are per iteration.

// Skip skips the task with reference name Ref.
type Skip struct {
	Ref string
}

func (dc *decision) skip(ref string) error {
	if !dc.running() {
		return fmt.Errorf("%w: workflow %s is %s; only a RUNNING workflow's tasks can be skipped", ErrConflict, dc.s.WorkflowID, dc.s.Status)
	}
	wt := dc.graph().Task(ref)
	if wt == nil || wt.TaskReferenceName != ref {
		return fmt.Errorf("%w: the definition of %s has no task %q", ErrInvalid, dc.s.Name, ref)
	}
	if dc.graph().Loop(ref) != nil {
		return fmt.Errorf("%w: task %q is inside a DO_WHILE and cannot be skipped", ErrInvalid, ref)
	}
	if t := dc.s.Latest(ref); t != nil {
		return fmt.Errorf("%w: task %q is already %s and cannot be skipped", ErrConflict, ref, t.Status)
	}
	seq := len(dc.s.Tasks) + 1
	id := dc.s.newTaskID(seq)
	dc.emit(events.Event{Type: events.TaskScheduled, Ref: ref, TaskScheduled: &events.TaskScheduledData{
		TaskID: id, TaskType: rowType(wt), TaskDefName: rowDefName(wt), Seq: seq,
	}})
	dc.emit(events.Event{Type: events.TaskUpdated, Ref: ref, TaskUpdated: &events.TaskUpdatedData{
		TaskID: id, Status: api.TaskSkipped,
	}})
	return nil
}
