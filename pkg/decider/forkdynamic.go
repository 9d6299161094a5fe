package decider

import (
	"encoding/json"
	"strconv"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/workflow"
)

// A FORK_JOIN_DYNAMIC forks tasks its input lists, which the definition
// does not hold. Its start (startForkDynamic) builds the list once:
//
//   - dynamicForkTasksParam names an input key holding the tasks (a list
//     of WorkflowTasks, each with a taskReferenceName), and
//     dynamicForkTasksInputParamName one holding {ref: input}, merged into
//     each forked task's resolved input; or
//   - inputs forkTaskName, forkTaskType (default SIMPLE) and forkTaskInputs
//     (a list): one task per item, reference name _<name>_<i>, input the
//     item (a map) or {input: item}, plus __index: i.
//
// and records it in the FORK row's input (forkedTasks, the reference
// names; forkedTaskDefs, the tasks), so the state alone says which tasks
// exist, and replay needs nothing else. defTask finds a forked task there
// (forkedTasks below) as it finds the definition's in the graph. The row
// completes at once; proceed schedules every forked task, then the JOIN
// that follows, whose joinOn is the forked reference names. A forked task
// leads nowhere (it is not in the graph): the JOIN waits for it.
//
// Not supported yet, failing the row with a terminal error: the legacy
// dynamicForkJoinTasksParam, forkTaskWorkflow (sub-workflows), forking
// control-flow tasks (their nested tasks would be unknown too), and a
// FORK_JOIN_DYNAMIC inside a DO_WHILE.

// forkedTask is a task a FORK_JOIN_DYNAMIC forked: its definition and the
// input its fork gave it on top of its inputParameters.
type forkedTask struct {
	wt      *workflow.WorkflowTask
	input   map[string]any
	fork    string // the task id of the FORK row that forked it
	forkRef string // and its reference name
}

// forkable lists the task types a dynamic fork may fork.
var forkable = map[string]bool{
	"": true, workflow.TaskTypeSimple: true, workflow.TaskTypeDynamic: true, workflow.TaskTypeHTTP: true,
	workflow.TaskTypeInline: true, workflow.TaskTypeLambda: true, workflow.TaskTypeJSONJQTransform: true,
	workflow.TaskTypeSetVariable: true, workflow.TaskTypeNoop: true, workflow.TaskTypeWait: true,
	workflow.TaskTypeHuman: true, workflow.TaskTypeTerminate: true,
}

// startForkDynamic builds the forked tasks into the row's input.
func (dc *decision) startForkDynamic(wt *workflow.WorkflowTask, row string, input map[string]any) started {
	fail := func(reason string) started {
		return started{status: api.TaskFailedWithTerminalError, reason: reason}
	}
	suffix := dc.suffix(row)
	var tasks []*workflow.WorkflowTask
	switch {
	case wt.DynamicForkTasksParam != "":
		raw, err := json.Marshal(input[wt.DynamicForkTasksParam])
		if err == nil {
			err = json.Unmarshal(raw, &tasks)
		}
		if err != nil || input[wt.DynamicForkTasksParam] == nil {
			return fail("Input '" + wt.DynamicForkTasksParam + "' of the dynamic fork " + wt.TaskReferenceName +
				" is not a list of tasks: " + javaString(input[wt.DynamicForkTasksParam]))
		}
		if _, ok := input[wt.DynamicForkTasksInputParamName].(map[string]any); !ok {
			return fail("Input to the dynamically forked tasks is not a map -> expecting a map of K,V but found " +
				javaString(input[wt.DynamicForkTasksInputParamName]))
		}
	case input["forkTaskName"] != nil || input["forkTaskWorkflow"] != nil:
		if input["forkTaskWorkflow"] != nil {
			return fail("FORK_JOIN_DYNAMIC with forkTaskWorkflow (sub-workflows) is not supported yet")
		}
		name, _ := input["forkTaskName"].(string)
		typ, _ := input["forkTaskType"].(string)
		items, ok := input["forkTaskInputs"].([]any)
		if name == "" || !ok {
			return fail("FORK_JOIN_DYNAMIC " + wt.TaskReferenceName + " needs forkTaskName (a string) and forkTaskInputs (a list)")
		}
		for i, item := range items {
			in, ok := item.(map[string]any)
			if ok {
				in = copyMap(in)
			} else {
				in = map[string]any{"input": item}
			}
			in["__index"] = i
			tasks = append(tasks, &workflow.WorkflowTask{Name: name, TaskReferenceName: "_" + name + "_" + strconv.Itoa(i),
				Type: typ, InputParameters: in})
		}
	case wt.DynamicForkJoinTasksParam != "":
		return fail("FORK_JOIN_DYNAMIC with dynamicForkJoinTasksParam (deprecated) is not supported yet")
	default:
		return fail("FORK_JOIN_DYNAMIC " + wt.TaskReferenceName + " names no tasks: set dynamicForkTasksParam or input forkTaskName")
	}
	refs := make([]any, 0, len(tasks))
	defs := make([]any, 0, len(tasks))
	seen := map[string]bool{}
	for _, t := range tasks {
		if t == nil || t.Name == "" || t.TaskReferenceName == "" {
			return fail("every task of the dynamic fork " + wt.TaskReferenceName + " needs a name and a taskReferenceName")
		}
		ref := t.TaskReferenceName
		if seen[ref] || dc.defTask(ref+suffix) != nil || dc.s.Latest(ref+suffix) != nil {
			return fail("the dynamic fork " + wt.TaskReferenceName + " forks " + ref + ", a reference name already in use")
		}
		seen[ref] = true
		if !forkable[t.Type] {
			return fail("the dynamic fork " + wt.TaskReferenceName + " forks " + ref + " of type " + t.Type + ": not supported yet")
		}
		var m map[string]any
		raw, err := json.Marshal(t)
		if err == nil {
			err = json.Unmarshal(raw, &m)
		}
		if err != nil {
			return fail("the dynamic fork " + wt.TaskReferenceName + ": task " + ref + ": " + err.Error())
		}
		refs = append(refs, ref)
		defs = append(defs, m)
	}
	input["forkedTasks"] = refs
	input["forkedTaskDefs"] = defs
	return started{status: api.TaskCompleted}
}

// forkedTaskOf returns the task a dynamic fork forked under ref, or nil.
// It reads the FORK rows added since it last looked.
func (dc *decision) forkedTaskOf(ref string) *forkedTask {
	if dc.forked == nil {
		dc.forked = map[string]*forkedTask{}
	}
	if f, ok := dc.forked[ref]; ok {
		return f
	}
	dc.forkedSeen = collectForked(dc.s, dc.graph(), dc.forkedSeen, dc.forked)
	return dc.forked[ref]
}

// collectForked adds to into the tasks forked by the dynamic FORK rows
// among s.Tasks[from:] and returns how many rows it has looked at.
func collectForked(s *State, g *workflow.Graph, from int, into map[string]*forkedTask) int {
	for _, t := range s.Tasks[from:] {
		if t.Type != "FORK" {
			continue
		}
		fwt := g.Task(t.Ref)
		defs, ok := t.Input["forkedTaskDefs"].([]any)
		if fwt == nil || fwt.Type != workflow.TaskTypeForkJoinDynamic || !ok {
			continue
		}
		inputs, _ := t.Input[fwt.DynamicForkTasksInputParamName].(map[string]any)
		// Inside a loop body the forked rows carry the fork's suffix chain;
		// the task is renamed to its row's name, so it schedules as is.
		suffix := t.Ref[len(fwt.TaskReferenceName):]
		for _, d := range defs {
			raw, err := json.Marshal(d)
			wt := &workflow.WorkflowTask{}
			if err != nil || json.Unmarshal(raw, wt) != nil || wt.TaskReferenceName == "" {
				continue
			}
			in, _ := inputs[wt.TaskReferenceName].(map[string]any)
			wt.TaskReferenceName += suffix
			into[wt.TaskReferenceName] = &forkedTask{wt: wt, input: in, fork: t.ID, forkRef: t.Ref}
		}
	}
	return len(s.Tasks)
}

// forkedInput is the input the fork gave the forked task wt on top of its
// inputParameters, or nil.
func (dc *decision) forkedInput(wt *workflow.WorkflowTask) map[string]any {
	if dc.graph().Task(wt.TaskReferenceName) != nil {
		return nil
	}
	if f := dc.forkedTaskOf(wt.TaskReferenceName); f != nil {
		return f.input
	}
	return nil
}

// forkedTaskDefs lists the tasks the completed dynamic FORK row t forked.
func (dc *decision) forkedTaskDefs(t *Task) []*workflow.WorkflowTask {
	var out []*workflow.WorkflowTask
	suffix := dc.suffix(t.Ref)
	for _, ref := range inputRefs(t, "forkedTasks", nil) {
		if f := dc.forkedTaskOf(ref + suffix); f != nil {
			out = append(out, f.wt)
		}
	}
	return out
}
