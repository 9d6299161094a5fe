package decider

import (
	"strings"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/workflow"
)

// A FORK_JOIN finishes as it starts (COMPLETED, no output); proceed then
// schedules the first task of every branch and the JOIN that must follow
// it. Each branch runs on its own; the end of a branch leads nowhere. The
// JOIN stays IN_PROGRESS until join, run by settle after every input,
// finds all of its joinOn tasks finished.

// join evaluates the open JOIN t and reports whether it finished. It
// waits for the refs its input's joinOn recorded when it started (ref__n
// inside a loop). It finishes when every one's latest attempt is terminal, with
// output {ref: output} for each that has output: COMPLETED, or
// COMPLETED_WITH_ERRORS when optional ones failed. A failed joinOn task
// that is neither optional nor permissive fails it at once (CANCELED when
// all such failures are cancellations); permissive failures fail it once
// all are terminal.
func (dc *decision) join(t *Task, wt *workflow.WorkflowTask) bool {
	if dc.s.index().pending(t) {
		return false // counted, not scanned: a 10,000-branch JOIN waits in O(1)
	}
	out := map[string]any{}
	done := true
	var failed, permissive, optional []string
	canceled := true
	for _, ref := range inputRefs(t, "joinOn", wt.JoinOn) {
		jt := dc.s.Latest(ref)
		if jt == nil || !api.TaskTerminal(jt.Status) {
			done = false
			continue
		}
		if len(jt.Output) > 0 {
			out[ref] = jt.Output
		}
		jwt := dc.defTask(ref)
		switch {
		case jt.Status == api.TaskCompletedWithErrors && jwt != nil && jwt.Optional:
			optional = append(optional, jt.DefName+"/"+jt.ID)
		case api.TaskSuccessful(jt.Status):
		case jwt != nil && jwt.Permissive:
			permissive = append(permissive, jt.Reason)
		default:
			failed = append(failed, jt.Reason)
			canceled = canceled && jt.Status == api.TaskCanceled
		}
	}
	d := &events.TaskUpdatedData{TaskID: t.ID, Output: out}
	switch {
	case len(failed) > 0:
		d.Status, d.Reason = api.TaskFailed, strings.Join(failed, " ")
		if canceled {
			d.Status = api.TaskCanceled
		}
	case !done:
		return false
	case len(permissive) > 0:
		d.Status, d.Reason = api.TaskFailed, strings.Join(permissive, " ")
	case len(optional) > 0:
		d.Status, d.Reason = api.TaskCompletedWithErrors, strings.Join(optional, " ")+" completed with errors"
	default:
		d.Status = api.TaskCompleted
	}
	dc.emit(events.Event{Type: events.TaskUpdated, Ref: t.Ref, TaskUpdated: d})
	dc.afterTerminal(t)
	return true
}

// inputRefs reads a list of reference names a task recorded in its input
// when it started (a JOIN's joinOn), or else def.
func inputRefs(t *Task, key string, def []string) []string {
	l, ok := t.Input[key].([]any)
	if !ok {
		return def
	}
	refs := make([]string, 0, len(l))
	for _, v := range l {
		if s, ok := v.(string); ok {
			refs = append(refs, s)
		}
	}
	return refs
}

// exclusiveJoin evaluates the open EXCLUSIVE_JOIN t, after a DECISION or
// SWITCH of which only one path ran, and reports whether it finished. The
// first joinOn task that has a row not SKIPPED decides once it is
// terminal; when none has, the first such defaultExclusiveJoinTask does.
// The deciding task's output is copied, or its failure fails the join.
func (dc *decision) exclusiveJoin(t *Task) bool {
	decider := dc.firstRow(inputRefs(t, "joinOn", nil))
	if decider == nil || !api.TaskTerminal(decider.Status) {
		decider = dc.firstRow(inputRefs(t, "defaultExclusiveJoinTask", nil))
	}
	if decider == nil || !api.TaskTerminal(decider.Status) {
		return false
	}
	d := &events.TaskUpdatedData{TaskID: t.ID, Status: api.TaskCompleted, Output: copyMap(decider.Output)}
	if !api.TaskSuccessful(decider.Status) {
		d.Status, d.Reason, d.Output = api.TaskFailed, decider.Reason, nil
	}
	if d.Output == nil && d.Status == api.TaskCompleted {
		d.Output = map[string]any{}
	}
	dc.emit(events.Event{Type: events.TaskUpdated, Ref: t.Ref, TaskUpdated: d})
	dc.afterTerminal(t)
	return true
}

// firstRow is the latest row of the first of refs that has one that is not
// SKIPPED, or nil.
func (dc *decision) firstRow(refs []string) *Task {
	for _, ref := range refs {
		if r := dc.s.Latest(ref); r != nil && r.Status != api.TaskSkipped {
			return r
		}
	}
	return nil
}
