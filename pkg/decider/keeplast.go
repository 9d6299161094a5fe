package decider

import (
	"strconv"
	"strings"

	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/workflow"
)

// A DO_WHILE with inputParameters.keepLastN = N keeps the rows of its last
// N iterations only, as upstream: when iteration k starts, the rows of
// iterations up to k-N (nested loops' rows too) leave the task list and
// their "<i>" entries leave the DO_WHILE's output. The history is not
// rewritten: a TasksRemoved event names the rows, and Apply drops them, so
// fold(events) is still the state.

// keepLastN reads the DO_WHILE row t's keepLastN (from 1), or 0 for all.
func keepLastN(t *Task) int {
	n, ok := IntOf(t.Input["keepLastN"])
	if !ok || n < 1 {
		return 0
	}
	return n
}

// pruneIterations removes, as iteration next of the DO_WHILE row t (of
// wt) starts, the rows of the iterations keepLastN no longer keeps, and
// their entries from out, the output the row is about to take.
func (dc *decision) pruneIterations(t *Task, wt *workflow.WorkflowTask, next int, out map[string]any) {
	keep := keepLastN(t)
	if keep == 0 || next <= keep {
		return
	}
	last := next - keep // the newest iteration to go
	for k := range out {
		if i, err := strconv.Atoi(k); err == nil && i >= 1 && i <= last {
			delete(out, k)
		}
	}
	var ids []string
	outer := dc.suffix(t.Ref)
	for _, r := range dc.s.Tasks {
		if !dc.within(r.Ref, wt) {
			continue
		}
		// The iteration of t that r belongs to: the group after t's chain.
		chain := dc.suffix(r.Ref)
		if !strings.HasPrefix(chain, outer+"__") {
			continue
		}
		rest := chain[len(outer)+2:]
		if i, err := strconv.Atoi(strings.SplitN(rest, "__", 2)[0]); err == nil && i <= last {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return
	}
	dc.emit(events.Event{Type: events.TasksRemoved, Ref: t.Ref, TasksRemoved: &events.TasksRemovedData{TaskIDs: ids}})
}

// within reports whether the task of row ref is in wt's body, however
// deep (inside loops nested in it too).
func (dc *decision) within(ref string, wt *workflow.WorkflowTask) bool {
	for l := dc.loopDef(ref); l != nil; l = dc.graph().Loop(l.TaskReferenceName) {
		if l == wt {
			return true
		}
	}
	return false
}
