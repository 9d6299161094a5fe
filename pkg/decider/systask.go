package decider

import (
	"encoding/json"
	"strconv"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/workflow"
)

// System tasks are run by the decider itself, inside the Decide that
// schedules them: a TaskScheduled event, then a TaskUpdated with the
// status their start chose. Sync ones (SWITCH, DECISION, FORK_JOIN, NOOP,
// SET_VARIABLE, TERMINATE, INLINE, LAMBDA, JSON_JQ_TRANSFORM, EVENT) are
// finished by it and the workflow moves on at once; JOIN, EXCLUSIVE_JOIN,
// DO_WHILE, WAIT, HUMAN and an asyncComplete EVENT stay IN_PROGRESS until
// settle, a Tick or an external update finishes them. They are never dispatched to workers and have no
// response timeout.

// started is how a system task's start went: the status it takes at once
// and what comes with it.
type started struct {
	status    string
	output    map[string]any
	reason    string
	waitUntil int64
	variables map[string]any
}

// maxVariablesBytes is Conductor's limit on a workflow's variables.
const maxVariablesBytes = 256 << 10

// runSystem schedules a new attempt of system task wt as row ref (in loop
// iteration iter) and starts it.
func (dc *decision) runSystem(wt *workflow.WorkflowTask, ref string, iter int, retryOf *Task) {
	seq := dc.nextSeq()
	id := dc.s.newTaskID(seq)
	var template map[string]any
	if td := wt.TaskDefinition; td != nil {
		template = td.InputTemplate
	}
	input := dc.rowInput(wt, id, template)
	// start may add to input (a SWITCH's case, a JOIN's joinOn) before the
	// task is recorded with it.
	st := dc.startSystem(wt, id, ref, input)
	d := &events.TaskScheduledData{TaskID: id, TaskType: rowType(wt), TaskDefName: rowDefName(wt), Seq: seq, Input: input}
	if retryOf != nil {
		d.RetryCount = retryOf.RetryCount + 1
		d.RetriedTaskID = retryOf.ID
	}
	dc.emit(events.Event{Type: events.TaskScheduled, Ref: ref, TaskScheduled: d})
	t := dc.s.Tasks[len(dc.s.Tasks)-1]
	dc.emit(events.Event{Type: events.TaskUpdated, Ref: t.Ref, TaskUpdated: &events.TaskUpdatedData{
		TaskID: id, Status: st.status, Output: st.output, Reason: st.reason, Started: true,
		WaitUntil: st.waitUntil, Variables: st.variables,
	}})
	switch {
	case api.TaskTerminal(st.status):
		dc.afterTerminal(t)
	case wt.Type == workflow.TaskTypeDoWhile:
		dc.iterations++
		dc.schedule(workflow.First(wt.LoopOver), nil, t.Iteration)
	}
}

// startSystem runs the start of a system task with resolved input; row
// is the reference name of its row (ref__n... in a loop body).
func (dc *decision) startSystem(wt *workflow.WorkflowTask, id, row string, input map[string]any) started {
	suffix := dc.suffix(row)
	switch wt.Type {
	case workflow.TaskTypeSwitch:
		return dc.startSwitch(wt, input)
	case workflow.TaskTypeDecision:
		return dc.startDecision(wt, input)
	case workflow.TaskTypeForkJoin, workflow.TaskTypeNoop:
		return started{status: api.TaskCompleted}
	case workflow.TaskTypeJoin:
		input["joinOn"] = dc.iterationRefs(wt.JoinOn, suffix)
		if fork := dc.graph().Before(wt.TaskReferenceName); fork != nil && fork.Type == workflow.TaskTypeForkJoinDynamic {
			// It joins what the dynamic fork before it (in the same
			// iteration) forked.
			if ft := dc.s.Latest(fork.TaskReferenceName + suffix); ft != nil {
				refs := inputRefs(ft, "forkedTasks", nil)
				for i := range refs {
					refs[i] += suffix
				}
				input["joinOn"] = anyList(refs)
			}
		}
		return started{status: api.TaskInProgress}
	case workflow.TaskTypeExclusiveJoin:
		input["joinOn"] = dc.iterationRefs(wt.JoinOn, suffix)
		input["defaultExclusiveJoinTask"] = dc.iterationRefs(wt.DefaultExclusiveJoinTask, suffix)
		return started{status: api.TaskInProgress}
	case workflow.TaskTypeTerminate:
		return startTerminate(input)
	case workflow.TaskTypeSetVariable:
		return dc.startSetVariable(input)
	case workflow.TaskTypeWait:
		return dc.startWait(input)
	case workflow.TaskTypeHuman:
		return started{status: api.TaskInProgress}
	case workflow.TaskTypeEvent:
		return dc.startEvent(wt, row, input)
	case workflow.TaskTypeInline:
		return dc.startInline(wt, input)
	case workflow.TaskTypeLambda:
		return dc.startLambda(wt, input)
	case workflow.TaskTypeJSONJQTransform:
		return dc.startJQ(input)
	case workflow.TaskTypeDoWhile:
		return dc.startLoop(wt, id, input)
	case workflow.TaskTypeForkJoinDynamic:
		return dc.startForkDynamic(wt, row, input)
	case workflow.TaskTypeDynamic:
		// Only reached when the input names no task (schedule).
		return started{status: api.TaskFailedWithTerminalError, reason: "Cannot map a dynamic task based on the parameter and input. Parameter= " +
			wt.DynamicTaskNameParam + ", input= " + javaString(input)}
	}
	return started{status: api.TaskFailedWithTerminalError, reason: "task type " + wt.Type + " is not supported yet"}
}

// iterationRefs lists reference names as a row with suffix chain suffix
// sees them: those of tasks in loop bodies take as much of the chain as
// there are loops around them (ref__n inside one loop).
func (dc *decision) iterationRefs(refs []string, suffix string) []any {
	out := make([]any, len(refs))
	for i, ref := range refs {
		if d := dc.graph().Depth(ref); d > 0 {
			ref += workflow.OuterSuffix(suffix, d)
		}
		out[i] = ref
	}
	return out
}

// startSetVariable merges the task's input into the workflow's variables
// (through the event, so Apply makes the change).
func (dc *decision) startSetVariable(input map[string]any) started {
	if len(input) == 0 {
		return started{status: api.TaskCompleted}
	}
	merged := make(map[string]any, len(dc.s.Variables)+len(input))
	for k, v := range dc.s.Variables {
		merged[k] = v
	}
	for k, v := range input {
		merged[k] = v
	}
	if n := jsonSize(merged); n > maxVariablesBytes {
		return started{status: api.TaskFailedWithTerminalError, reason: "The variables payload size: " + itoa(n) +
			" of workflow: " + dc.s.WorkflowID + " is greater than the permissible limit: " + itoa(maxVariablesBytes) + " bytes"}
	}
	return started{status: api.TaskCompleted, variables: copyMap(input)}
}

// rowType is a system task's taskType as Conductor shows it: its type name,
// except FORK_JOIN, whose row is a FORK. Worker tasks use their name.
func rowType(wt *workflow.WorkflowTask) string {
	switch wt.Type {
	case "", workflow.TaskTypeSimple:
		return wt.Name
	case workflow.TaskTypeForkJoin, workflow.TaskTypeForkJoinDynamic:
		return "FORK"
	}
	return wt.Type
}

func anyList(l []string) []any {
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}

// rowDefName is a task's taskDefName: the control-flow rows are named by
// their type, as upstream does; every other task by its name.
func rowDefName(wt *workflow.WorkflowTask) string {
	switch wt.Type {
	case workflow.TaskTypeSwitch, workflow.TaskTypeDecision, workflow.TaskTypeForkJoin, workflow.TaskTypeJoin,
		workflow.TaskTypeExclusiveJoin, workflow.TaskTypeForkJoinDynamic:
		return rowType(wt)
	}
	return wt.Name
}

// jsonSize is the size of v in JSON, or 0 if it cannot be encoded.
func jsonSize(v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		return 0
	}
	return len(b)
}

func itoa(n int) string { return strconv.Itoa(n) }
