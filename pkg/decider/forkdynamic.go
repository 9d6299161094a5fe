package decider

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/workflow"
)

// A FORK_JOIN_DYNAMIC forks tasks its input lists, which the definition
// does not hold. Its start (startForkDynamic) builds the list once, from
// the first of these forms that applies (as upstream):
//
//   - input forkTaskInputs (a list): one task per item (forkEach), of
//     forkTaskName/forkTaskType, or a SUB_WORKFLOW of forkTaskWorkflow;
//   - dynamicForkTasksParam names an input key holding the tasks (a list
//     of WorkflowTasks, each with a taskReferenceName), and
//     dynamicForkTasksInputParamName one holding {ref: input}, merged into
//     each forked task's resolved input;
//   - the deprecated dynamicForkJoinTasksParam (forkLegacy).
//
// and records it in the FORK row's input (forkedTasks, the reference
// names; forkedTaskDefinitions, the registered TaskDef of each forked
// worker task's name), so the state alone says which tasks exist — they
// are rebuilt from the row's input (forkTasks) — and replay needs nothing
// else. Views show the tasks as upstream's forkedTaskDefs (view.go). defTask finds a forked task there
// (forkedTasks below) as it finds the definition's in the graph. The row
// completes at once; proceed schedules every forked task, then the JOIN
// that follows, whose joinOn is the forked reference names. A forked task
// leads nowhere (it is not in the graph): the JOIN waits for it.
//
// Inside a DO_WHILE body the forked rows take the FORK row's suffix chain
// (_resize_0__2 in iteration 2), and so does the JOIN's joinOn; they
// belong to the fork's iteration (iteration.go).
//
// Control-flow tasks cannot be forked (their nested tasks would be unknown
// too): the row fails with a terminal error.

// forkedTask is a task a FORK_JOIN_DYNAMIC forked: its definition and the
// input its fork gave it on top of its inputParameters.
type forkedTask struct {
	wt      *workflow.WorkflowTask // named as its row (suffix chain included)
	def     *workflow.WorkflowTask // as the fork listed it
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
	workflow.TaskTypeSubWorkflow: true, workflow.TaskTypeStartWorkflow: true,
}

// startForkDynamic builds the forked tasks into the row's input; row is
// the FORK row's reference name.
func (dc *decision) startForkDynamic(wt *workflow.WorkflowTask, row string, input map[string]any) started {
	fail := func(reason string) started {
		return started{status: api.TaskFailedWithTerminalError, reason: reason}
	}
	suffix := dc.suffix(row)
	tasks, reason := forkTasks(wt, input)
	if reason != "" {
		return fail(reason)
	}
	if limit := dc.d.limits().MaxForkBranches; len(tasks) > limit {
		return fail(fmt.Sprintf("the dynamic fork %s forks %d tasks, over the limit (maxForkBranches) of %d", wt.TaskReferenceName, len(tasks), limit))
	}
	refs := make([]any, 0, len(tasks))
	defs := map[string]any{}
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
		if _, done := defs[t.Name]; !done && t.TaskDefinition == nil && (t.Type == "" || t.Type == workflow.TaskTypeSimple) {
			// As upstream, a forked worker task runs by its registered
			// definition (retries, timeouts), snapshotted in the row once
			// per name.
			if td := dc.d.Facts.TaskDefs[t.Name]; td != nil {
				m, err := jsonMap(td)
				if err != nil {
					return fail("the dynamic fork " + wt.TaskReferenceName + ": task definition " + t.Name + ": " + err.Error())
				}
				defs[t.Name] = m
			}
		}
		refs = append(refs, ref)
	}
	input["forkedTasks"] = refs
	if len(defs) > 0 {
		input[forkedDefinitionsKey] = defs
	}
	return started{status: api.TaskCompleted}
}

// forkedDefinitionsKey names the FORK row's input entry that snapshots the
// registered TaskDef of each forked worker task name. The forked tasks
// themselves are rebuilt from the row's input (forkTasks is a function of
// it), so a 100,000-branch fork does not store each task definition a
// second time. Rows written before kept every task in forkedTaskDefs, which
// collectForked still reads.
const forkedDefinitionsKey = "forkedTaskDefinitions"

// forkTasks lists the tasks the FORK row's input forks, in the form the
// dynamic fork wt uses, or says why there are none.
func forkTasks(wt *workflow.WorkflowTask, input map[string]any) ([]*workflow.WorkflowTask, string) {
	switch _, list := input["forkTaskInputs"].([]any); {
	case list:
		// As upstream, a forkTaskInputs list picks this form first.
		return forkEach(wt, input), ""
	case input["forkTaskName"] != nil || input["forkTaskWorkflow"] != nil:
		return nil, "FORK_JOIN_DYNAMIC " + wt.TaskReferenceName + " needs forkTaskInputs (a list) with forkTaskName or forkTaskWorkflow"
	case wt.DynamicForkTasksParam != "":
		return forkListed(wt, input)
	case wt.DynamicForkJoinTasksParam != "":
		return forkLegacy(wt, input)
	}
	return nil, "FORK_JOIN_DYNAMIC " + wt.TaskReferenceName + " names no tasks: set dynamicForkTasksParam or input forkTaskName"
}

// jsonMap is v as a JSON object.
func jsonMap(v any) (map[string]any, error) {
	var m map[string]any
	raw, err := json.Marshal(v)
	if err == nil {
		err = json.Unmarshal(raw, &m)
	}
	return m, err
}

// forkListed reads the tasks the input key dynamicForkTasksParam lists;
// dynamicForkTasksInputParamName must name a map of their inputs.
func forkListed(wt *workflow.WorkflowTask, input map[string]any) ([]*workflow.WorkflowTask, string) {
	var tasks []*workflow.WorkflowTask
	raw, err := json.Marshal(input[wt.DynamicForkTasksParam])
	if err == nil {
		err = json.Unmarshal(raw, &tasks)
	}
	if err != nil || input[wt.DynamicForkTasksParam] == nil {
		return nil, "Input '" + wt.DynamicForkTasksParam + "' of the dynamic fork " + wt.TaskReferenceName +
			" is not a list of tasks: " + javaString(input[wt.DynamicForkTasksParam])
	}
	if _, ok := input[wt.DynamicForkTasksInputParamName].(map[string]any); !ok {
		return nil, "Input to the dynamically forked tasks is not a map -> expecting a map of K,V but found " +
			javaString(input[wt.DynamicForkTasksInputParamName])
	}
	return tasks, ""
}

// forkEach makes one task per forkTaskInputs item, as upstream: named
// forkTaskName (else the system forkTaskType's name, else the fork's
// reference name), reference name _<name>_<i>, input the item (a map) or
// {input: item}, plus __index. With forkTaskWorkflow each is a
// SUB_WORKFLOW of that workflow (forkTaskWorkflowVersion, a string: the
// version; else the latest), the item's taskToDomain its children's.
// An optional fork makes its tasks optional.
func forkEach(wt *workflow.WorkflowTask, input map[string]any) []*workflow.WorkflowTask {
	items, _ := input["forkTaskInputs"].([]any)
	subName, _ := input["forkTaskWorkflow"].(string)
	typ, _ := input["forkTaskType"].(string)
	name, _ := input["forkTaskName"].(string)
	if name == "" && typ != "" && typ != workflow.TaskTypeSimple && workflow.KnownTaskType(typ) {
		name = typ
	}
	if name == "" {
		name = wt.TaskReferenceName
	}
	tasks := make([]*workflow.WorkflowTask, 0, len(items))
	for i, item := range items {
		in, ok := item.(map[string]any)
		if ok {
			in = copyMap(in)
		} else {
			in = map[string]any{"input": item}
		}
		in["__index"] = i
		t := &workflow.WorkflowTask{Name: name, TaskReferenceName: "_" + name + "_" + strconv.Itoa(i), Type: typ,
			InputParameters: in, Optional: wt.Optional}
		if subName != "" {
			t.Name, t.Type = subName, workflow.TaskTypeSubWorkflow
			t.SubWorkflowParam = &workflow.SubWorkflowParams{Name: subName, TaskToDomain: stringMap(in["taskToDomain"])}
			if v, err := strconv.Atoi(fmt.Sprint(input["forkTaskWorkflowVersion"])); err == nil {
				t.SubWorkflowParam.Version = &v
			}
		}
		tasks = append(tasks, t)
	}
	return tasks
}

// forkLegacy reads the deprecated dynamicForkJoinTasksParam form:
// {dynamicTasks: [{taskName, referenceName, type, input, workflowName}]}.
// A SUB_WORKFLOW entry runs its workflowName.
func forkLegacy(wt *workflow.WorkflowTask, input map[string]any) ([]*workflow.WorkflowTask, string) {
	var list struct {
		DynamicTasks []struct {
			TaskName      string         `json:"taskName"`
			WorkflowName  string         `json:"workflowName"`
			ReferenceName string         `json:"referenceName"`
			Type          string         `json:"type"`
			Input         map[string]any `json:"input"`
		} `json:"dynamicTasks"`
	}
	raw, err := json.Marshal(input[wt.DynamicForkJoinTasksParam])
	if err == nil {
		err = json.Unmarshal(raw, &list)
	}
	if err != nil || input[wt.DynamicForkJoinTasksParam] == nil {
		return nil, "Dynamic tasks could not be created. The value of " + wt.DynamicForkJoinTasksParam +
			" from task's input " + javaString(input) + " has no dynamic tasks to be scheduled"
	}
	tasks := make([]*workflow.WorkflowTask, 0, len(list.DynamicTasks))
	for _, d := range list.DynamicTasks {
		t := &workflow.WorkflowTask{Name: d.TaskName, TaskReferenceName: d.ReferenceName, Type: d.Type, InputParameters: d.Input}
		if d.Type == workflow.TaskTypeSubWorkflow && d.WorkflowName != "" {
			t.SubWorkflowParam = &workflow.SubWorkflowParams{Name: d.WorkflowName}
		}
		tasks = append(tasks, t)
	}
	return tasks, ""
}

// stringMap reads a {string: string} JSON object, or nil.
func stringMap(v any) map[string]string {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		if s, ok := x.(string); ok {
			out[k] = s
		}
	}
	return out
}

// forkedTaskOf returns the task a dynamic fork forked under ref, or nil.
func (dc *decision) forkedTaskOf(ref string) *forkedTask { return forkedTaskOf(dc.s, dc.graph(), ref) }

// forkedTaskOf returns the task a dynamic fork of s forked under ref, or
// nil. It decodes the forked tasks of the FORK rows added since it last
// looked, once: the state's index keeps them (index.go).
func forkedTaskOf(s *State, g *workflow.Graph, ref string) *forkedTask {
	ix := s.index()
	if ix.forked == nil {
		ix.forked = map[string]*forkedTask{}
	}
	if f, ok := ix.forked[ref]; ok {
		return f
	}
	ix.forkedSeen = collectForked(s, g, ix.forkedSeen, ix.forked)
	return ix.forked[ref]
}

// collectForked adds to into the tasks forked by the dynamic FORK rows
// among s.Tasks[from:] and returns how many rows it has looked at.
func collectForked(s *State, g *workflow.Graph, from int, into map[string]*forkedTask) int {
	for _, t := range s.Tasks[from:] {
		if t.Type != "FORK" || t.Input["forkedTasks"] == nil { // set once the fork forked
			continue
		}
		fwt := g.Task(t.Ref)
		if fwt == nil || fwt.Type != workflow.TaskTypeForkJoinDynamic {
			continue
		}
		inputs, _ := t.Input[fwt.DynamicForkTasksInputParamName].(map[string]any)
		// Inside a loop body the forked rows carry the fork's suffix chain;
		// the task is renamed to its row's name, so it schedules as is.
		suffix := t.Ref[len(fwt.TaskReferenceName):]
		for _, wt := range forkedDefs(t, fwt) {
			in, _ := inputs[wt.TaskReferenceName].(map[string]any)
			row := wt
			if suffix != "" {
				r := *wt
				r.TaskReferenceName += suffix
				row = &r
			}
			into[row.TaskReferenceName] = &forkedTask{wt: row, def: wt, input: in, fork: t.ID, forkRef: t.Ref}
		}
	}
	return len(s.Tasks)
}

// forkedDefs decodes the tasks the completed dynamic FORK row t of fwt
// forked.
func forkedDefs(t *Task, fwt *workflow.WorkflowTask) []*workflow.WorkflowTask {
	var out []*workflow.WorkflowTask
	if defs, ok := t.Input["forkedTaskDefs"].([]any); ok { // a row from before forkedDefinitionsKey
		for _, d := range defs {
			raw, err := json.Marshal(d)
			wt := &workflow.WorkflowTask{}
			if err != nil || json.Unmarshal(raw, wt) != nil || wt.TaskReferenceName == "" {
				continue
			}
			out = append(out, wt)
		}
		return out
	}
	tasks, _ := forkTasks(fwt, t.Input)
	recorded, _ := t.Input[forkedDefinitionsKey].(map[string]any)
	byName := map[string]*workflow.TaskDef{}
	for _, wt := range tasks {
		if wt == nil || wt.TaskReferenceName == "" {
			continue
		}
		if m, ok := recorded[wt.Name]; ok && wt.TaskDefinition == nil && (wt.Type == "" || wt.Type == workflow.TaskTypeSimple) {
			td, seen := byName[wt.Name]
			if !seen {
				td = &workflow.TaskDef{}
				if raw, err := json.Marshal(m); err != nil || json.Unmarshal(raw, td) != nil {
					td = nil
				}
				byName[wt.Name] = td
			}
			wt.TaskDefinition = td
		}
		out = append(out, wt)
	}
	return out
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
