package decider

import (
	"strings"

	"github.com/legatohq/legato/pkg/workflow"
)

// Rows inside loops: a row's reference name is its task's reference name
// plus a suffix chain, one __n per DO_WHILE around the task, outermost
// first (workflow.IterationSuffix). A task a dynamic fork forked inside a
// loop body is placed where its fork is (forkdynamic.go).

// loopDef is the innermost DO_WHILE around the task of row ref, or nil.
func (dc *decision) loopDef(ref string) *workflow.WorkflowTask {
	if dc.graph().Task(ref) != nil {
		return dc.graph().Loop(ref)
	}
	if f := dc.forkedTaskOf(ref); f != nil {
		return dc.graph().Loop(f.forkRef)
	}
	return nil
}

// depth is how many DO_WHILEs are around the task of row ref.
func (dc *decision) depth(ref string) int {
	if dc.graph().Task(ref) != nil {
		return dc.graph().Depth(ref)
	}
	if f := dc.forkedTaskOf(ref); f != nil {
		return dc.graph().Depth(f.forkRef)
	}
	return 0
}

// suffix is row ref's suffix chain ("" outside loops).
func (dc *decision) suffix(ref string) string {
	return workflow.IterationSuffix(ref, dc.depth(ref))
}

// baseRef is row ref without its suffix chain: the reference name its
// task has in the definition (or in its dynamic fork's list).
func (dc *decision) baseRef(ref string) string {
	return strings.TrimSuffix(ref, dc.suffix(ref))
}

// iterOf is the iteration of the innermost DO_WHILE around row t that t
// belongs to, 0 outside loops. It is t.Iteration except on a DO_WHILE row
// nested in another loop, whose Iteration is its own.
func (dc *decision) iterOf(t *Task) int {
	if dc.depth(t.Ref) == 0 {
		return 0
	}
	_, n := workflow.SplitIteration(t.Ref)
	return n
}

// loopRow is the newest row of the DO_WHILE lwt (lwt__n... when nested),
// or nil.
func (dc *decision) loopRow(lwt *workflow.WorkflowTask) *Task {
	for i := len(dc.s.Tasks) - 1; i >= 0; i-- {
		t := dc.s.Tasks[i]
		if workflow.RowOf(t.Ref, lwt.TaskReferenceName) && dc.graph().Task(t.Ref) == lwt {
			return t
		}
	}
	return nil
}

// bodySuffix is the suffix chain of the rows of the DO_WHILE row lt's
// current iteration: lt's own chain plus __iteration.
func (dc *decision) bodySuffix(lt *Task) string {
	return workflow.IterationRef(dc.suffix(lt.Ref), lt.Iteration)
}
