package decider

import (
	"slices"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/workflow"
)

// How a workflow moves on. Every finished attempt goes through
// afterTerminal, which retries it, fails the workflow, or calls proceed.
// proceed schedules what the definition says comes next: the first task of
// a SWITCH's selected case, the first task of every FORK branch and then
// the JOIN, or the task that follows in the definition (workflow.Graph).
// Scheduling a system task runs it at once (systask.go), which may finish
// it and recurse back here, so one Decide can walk through any number of
// SWITCH, SET_VARIABLE, NOOP... tasks. Only JOINs, EXCLUSIVE_JOINs and
// DO_WHILEs wait for others: settle re-evaluates the open ones once the
// input has been applied, and completes the workflow when nothing is left
// open. Inside a loop body every task is scheduled in the iteration of the
// task it follows (iterOf: a nested DO_WHILE's own Iteration is not it).

// proceed moves on from attempt t of wt, which ended successfully.
func (dc *decision) proceed(t *Task, wt *workflow.WorkflowTask) {
	if wt == nil || !dc.running() {
		return
	}
	if t.Status == api.TaskCompleted {
		switch wt.Type {
		case workflow.TaskTypeTerminate:
			dc.terminatedBy(t)
			return
		case workflow.TaskTypeSwitch, workflow.TaskTypeDecision:
			if head := workflow.First(selectedCase(wt, t)); head != nil {
				dc.schedule(head, nil, dc.iterOf(t))
				return
			}
		case workflow.TaskTypeForkJoin:
			for _, branch := range wt.ForkTasks {
				if head := workflow.First(branch); head != nil {
					dc.schedule(head, nil, dc.iterOf(t))
				}
			}
		case workflow.TaskTypeForkJoinDynamic:
			for _, ft := range dc.forkedTaskDefs(t) {
				dc.schedule(ft, nil, dc.iterOf(t))
			}
		}
	}
	dc.next(t)
}

// next schedules the task that follows t in the definition, in t's loop
// iteration. At the end of a fork branch nothing is scheduled (the JOIN
// waits); at the end of a loop body nothing either (settle runs the
// DO_WHILE once the iteration's rows have all finished); at the end of the
// workflow settle completes it once no task is open.
func (dc *decision) next(t *Task) {
	a, ok := dc.graph().Next(t.Ref)
	if ok && a.Task != nil && dc.running() {
		dc.schedule(a.Task, nil, dc.iterOf(t))
	}
}

// settle finishes a Decide: it evaluates open JOINs, EXCLUSIVE_JOINs and
// DO_WHILEs until none can move, then completes the workflow if it is
// running with no task left open.
func (dc *decision) settle() {
	for dc.running() {
		moved := false
		// The open JOIN, EXCLUSIVE_JOIN and DO_WHILE rows, in row order;
		// evaluating one may add more, or drop rows and the index with them.
		for i := 0; i < len(dc.s.index().control) && dc.running(); i++ {
			t := dc.s.index().control[i]
			if t.Status != api.TaskInProgress {
				continue
			}
			wt := dc.defTask(t.Ref)
			if wt == nil {
				continue
			}
			switch wt.Type {
			case workflow.TaskTypeJoin:
				moved = dc.join(t, wt) || moved
			case workflow.TaskTypeExclusiveJoin:
				moved = dc.exclusiveJoin(t) || moved
			case workflow.TaskTypeDoWhile:
				moved = dc.loop(t, wt) || moved
			}
		}
		ix := dc.s.index()
		ix.control = slices.DeleteFunc(ix.control, func(t *Task) bool { return api.TaskTerminal(t.Status) })
		if !moved {
			break
		}
	}
	if dc.running() && dc.s.index().open == 0 {
		dc.complete()
	}
}
