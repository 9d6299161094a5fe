package decider

import (
	"strconv"
	"strings"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/expr"
	"github.com/legatohq/legato/pkg/workflow"
)

// A DO_WHILE runs its loopOver tasks, then again while its loopCondition
// holds. Its row starts IN_PROGRESS with output {iteration: 1} and the
// first body task is scheduled with it; every body row of iteration n has
// the reference name ref__n (rowRef) and Task.Iteration n, so the tasks
// that follow it in the body (next), a SWITCH's case or a FORK's branches
// inside the body, and a JOIN's joinOn, all stay in iteration n.
//
// The end of the body leads nowhere (workflow.EndLoop). Instead settle
// runs loop on the open DO_WHILE once every row of its current iteration
// has finished: nothing of the iteration can still be scheduled then,
// because a finished task schedules what follows it in the same Decide.
// loop records the iteration's outputs as output "<n>": {bodyRef: output}
// and evaluates the condition once, in that Decide; the events say what
// came of it (the next iteration started, or the DO_WHILE COMPLETED), so a
// replay never evaluates it again.
//
// The condition's $ is, as upstream: the DO_WHILE's inputParameters,
// resolved again now, plus its own output under its reference name and
// the latest output of each body task under the task's reference name
// (without __n). With items (the task's items, or input _items) the loop
// runs once per element, its output giving loopIndex (from 0) and
// loopItem; a loopCondition is then AND-ed; no items complete it at once
// with iteration 0.
//
// A body task that fails for good (retries used up, not optional) fails
// the DO_WHILE: the iteration's open rows are canceled and the DO_WHILE
// FAILED with the task's reason; the workflow fails with it unless it is
// optional. A condition that cannot be evaluated fails the DO_WHILE with a
// terminal error.
//
// One Decide runs at most maxIterationsPerDecide iterations. A body of
// system tasks only never waits for anything, so without a bound a loop
// whose condition stays true would never return. Past the bound the next
// iteration is recorded as started but yielded (WaitUntil = now): the
// workflow's deadline is due at once, and the Tick that follows schedules
// its body, so a long loop moves on in slices and the shard serves other
// workflows in between.
//
// A DO_WHILE may sit in another's body. Its rows and its body's carry
// one __n per loop around them, outermost first (iteration.go): in outer
// iteration 2 the inner DO_WHILE runs as inner__2 and its body task work
// as work__2__1, work__2__2... Each loop only counts the rows of its own
// body in its current iteration, so the inner DO_WHILE row is one row of
// the outer iteration, finished once the inner loop is; the next outer
// iteration starts the inner loop afresh from iteration 1. The inner
// condition sees itself and its body under their definition names.
//
// keepLastN (keeplast.go) drops old iterations' rows as new ones start.

// maxIterationsPerDecide bounds the iterations one Decide starts.
const maxIterationsPerDecide = 100

// startLoop starts a DO_WHILE row: iteration 1, or COMPLETED with
// iteration 0 when it has an empty items list.
func (dc *decision) startLoop(wt *workflow.WorkflowTask, id string, input map[string]any) started {
	fail := func(reason string) started {
		return started{status: api.TaskFailedWithTerminalError, reason: reason}
	}
	if workflow.First(wt.LoopOver) == nil {
		return fail("DO_WHILE task " + wt.TaskReferenceName + " has no loopOver tasks")
	}
	out := map[string]any{"iteration": 1}
	if wt.Items != nil {
		// Recorded in the input, so every iteration reads the list as it
		// was when the loop started.
		input["_items"] = expr.Resolve(wt.Items, dc.env(id))
	}
	if v, ok := input["_items"]; ok {
		items, ok := v.([]any)
		if !ok {
			return fail("DO_WHILE task " + wt.TaskReferenceName + ": items must be a list, got " + javaString(v))
		}
		if len(items) == 0 {
			return started{status: api.TaskCompleted, output: map[string]any{"iteration": 0}}
		}
		out["loopIndex"], out["loopItem"] = 0, items[0]
	}
	return started{status: api.TaskInProgress, output: out}
}

// loop runs the open DO_WHILE t once its current iteration has finished,
// and reports whether it moved.
func (dc *decision) loop(t *Task, wt *workflow.WorkflowTask) bool {
	if t.WaitUntil != 0 {
		return false // yielded: the Tick starts the iteration
	}
	n := t.Iteration
	rows := dc.iterationRows(t, wt)
	if len(rows) == 0 {
		return false
	}
	for _, r := range rows {
		if !api.TaskTerminal(r.Status) {
			return false
		}
	}
	out := dc.iterationOutput(t, rows)
	more, reason := dc.loopAgain(t, wt, out)
	switch {
	case reason != "":
		dc.emit(events.Event{Type: events.TaskUpdated, Ref: t.Ref, TaskUpdated: &events.TaskUpdatedData{
			TaskID: t.ID, Status: api.TaskFailedWithTerminalError, Output: out, Reason: reason,
		}})
		dc.afterTerminal(t)
		return true
	case !more:
		dc.emit(events.Event{Type: events.TaskUpdated, Ref: t.Ref, TaskUpdated: &events.TaskUpdatedData{
			TaskID: t.ID, Status: api.TaskCompleted, Output: out,
		}})
		dc.afterTerminal(t)
		return true
	}
	next := copyMap(out)
	next["iteration"] = n + 1
	if items, ok := t.Input["_items"].([]any); ok {
		next["loopIndex"], next["loopItem"] = n, items[n]
	}
	dc.pruneIterations(t, wt, n+1, next)
	d := &events.TaskUpdatedData{TaskID: t.ID, Status: api.TaskInProgress, Output: next}
	dc.iterations++
	if dc.iterations > maxIterationsPerDecide {
		d.WaitUntil = dc.now
	}
	dc.emit(events.Event{Type: events.TaskUpdated, Ref: t.Ref, TaskUpdated: d})
	if d.WaitUntil == 0 {
		dc.schedule(workflow.First(wt.LoopOver), nil, t.Iteration)
	}
	return true
}

// resumeLoop starts the iteration a DO_WHILE yielded (its Tick is due).
func (dc *decision) resumeLoop(t *Task, wt *workflow.WorkflowTask) {
	dc.emit(events.Event{Type: events.TaskUpdated, Ref: t.Ref, TaskUpdated: &events.TaskUpdatedData{
		TaskID: t.ID, Status: api.TaskInProgress,
	}})
	dc.iterations++
	dc.schedule(workflow.First(wt.LoopOver), nil, t.Iteration)
}

// loopAgain evaluates whether the DO_WHILE t runs another iteration, out
// being its output with the iteration just finished. reason is set when
// the condition cannot be evaluated.
func (dc *decision) loopAgain(t *Task, wt *workflow.WorkflowTask, out map[string]any) (more bool, reason string) {
	items, hasItems := t.Input["_items"].([]any)
	if hasItems && t.Iteration >= len(items) {
		return false, ""
	}
	if wt.LoopCondition == "" {
		return hasItems, ""
	}
	in := expr.ResolveMap(wt.InputParameters, dc.env(t.ID))
	if in == nil {
		in = map[string]any{}
	}
	in[wt.TaskReferenceName] = out
	within := dc.suffix(t.Ref) + "__"
	for _, r := range dc.s.Tasks {
		if dc.loopDef(r.Ref) == wt && strings.HasPrefix(dc.suffix(r.Ref), within) {
			in[dc.baseRef(r.Ref)] = nonNil(r.Output)
		}
	}
	if dc.d.Scripts == nil {
		return false, "Unable to evaluate condition " + wt.LoopCondition + " , exception " + errNoScripts
	}
	v, err := dc.d.Scripts.JS(wt.LoopCondition, in)
	if err != nil {
		return false, "Unable to evaluate condition " + wt.LoopCondition + " , exception " + err.Error()
	}
	return expr.Truthy(v), ""
}

// iterationRows lists the rows of the current iteration of the DO_WHILE
// row lt (of wt): every attempt of every task of its body, in its cases
// and fork branches too; the rows of a DO_WHILE nested in it count as one,
// its own row.
func (dc *decision) iterationRows(lt *Task, wt *workflow.WorkflowTask) []*Task {
	var rows []*Task
	body := dc.bodySuffix(lt)
	for _, r := range dc.s.Tasks {
		// Ending in body is necessary and cheap: past iterations' rows
		// skip the graph lookups.
		if strings.HasSuffix(r.Ref, body) && dc.loopDef(r.Ref) == wt && dc.suffix(r.Ref) == body {
			rows = append(rows, r)
		}
	}
	return rows
}

// iterationOutput is the DO_WHILE t's output with its current iteration's
// rows recorded: "<n>": {bodyRef: output} (the latest attempt of each).
func (dc *decision) iterationOutput(t *Task, rows []*Task) map[string]any {
	n := t.Iteration
	it := make(map[string]any, len(rows))
	for _, r := range rows {
		it[dc.baseRef(r.Ref)] = nonNil(r.Output)
	}
	out := copyMap(t.Output)
	if out == nil {
		out = map[string]any{}
	}
	out["iteration"] = n
	out[strconv.Itoa(n)] = it
	return out
}

// loopOf returns the open DO_WHILE row running the iteration that body row
// t belongs to, with its definition task, or nil.
func (dc *decision) loopOf(t *Task) (*Task, *workflow.WorkflowTask) {
	lwt := dc.loopDef(t.Ref)
	if lwt == nil {
		return nil, nil
	}
	lt := dc.loopRow(lwt)
	if lt == nil || lt.Status != api.TaskInProgress || dc.suffix(t.Ref) != dc.bodySuffix(lt) {
		return nil, nil
	}
	return lt, lwt
}

// failLoop fails the DO_WHILE lt because its body row failed did: the
// iteration's other open rows are canceled, the DO_WHILE FAILED with the
// row's reason and the iteration recorded in its output.
func (dc *decision) failLoop(lt *Task, lwt *workflow.WorkflowTask, failed *Task) {
	rows := dc.iterationRows(lt, lwt)
	for _, r := range rows {
		if api.TaskTerminal(r.Status) {
			continue
		}
		dc.undispatch(r)
		dc.emit(events.Event{Type: events.TaskUpdated, Ref: r.Ref, TaskUpdated: &events.TaskUpdatedData{
			TaskID: r.ID, Status: api.TaskCanceled,
		}})
	}
	dc.emit(events.Event{Type: events.TaskUpdated, Ref: lt.Ref, TaskUpdated: &events.TaskUpdatedData{
		TaskID: lt.ID, Status: api.TaskFailed, Output: dc.iterationOutput(lt, rows), Reason: failed.Reason,
	}})
	dc.afterTerminal(lt)
}
