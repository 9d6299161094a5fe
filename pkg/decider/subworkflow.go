package decider

import (
	"encoding/json"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/expr"
	"github.com/legatohq/legato/pkg/workflow"
)

// SUB_WORKFLOW and START_WORKFLOW are async system tasks (graph.go
// isAsync): the decider schedules them on the engine's own queue and the
// history service starts the workflow off the shard goroutines.
//
// A START_WORKFLOW task is reported COMPLETED with {workflowId} at once.
//
// A SUB_WORKFLOW task's life:
//
//  1. SCHEDULED on the engine's queue with the child's name, version,
//     taskToDomain, inline definition and input (subWorkflowInput).
//  2. IN_PROGRESS when history's poller takes it; until the child is
//     started, the async response timeout applies, so a crash mid-start
//     ends in a timeout and retry rules.
//  3. IN_PROGRESS with output {subWorkflowId} once the child is started.
//     From then on it has no response timeout; instead its WaitUntil is a
//     reconciliation deadline: a Tick at it lets history look at the child
//     (the safety net for a lost child-ended notification) and re-arms it
//     (rearmSubWorkflow). It is not redispatched.
//  4. Terminal when history reports the child's end (ChildResult).

// Input keys of a SUB_WORKFLOW row, as upstream names them.
const (
	SubWorkflowNameKey         = "subWorkflowName"
	SubWorkflowVersionKey      = "subWorkflowVersion"
	SubWorkflowTaskToDomainKey = "subWorkflowTaskToDomain"
	SubWorkflowDefinitionKey   = "subWorkflowDefinition"
	SubWorkflowInputKey        = "workflowInput"
	SubWorkflowPriorityKey     = "priority"
	// SubWorkflowIDKey is the output key naming the child.
	SubWorkflowIDKey = "subWorkflowId"
)

// Reconciliation of a started SUB_WORKFLOW: first after
// subWorkflowCheckMin, then after as long as the child has run so far,
// capped at subWorkflowCheckMax, so a long child costs few events.
const (
	subWorkflowCheckMin = 30_000
	subWorkflowCheckMax = 300_000
)

// subWorkflowInput is a SUB_WORKFLOW row's input: the child's parameters
// (expressions resolved) and its input, the evaluated inputParameters.
func (dc *decision) subWorkflowInput(wt *workflow.WorkflowTask, input map[string]any) map[string]any {
	p := wt.SubWorkflowParam
	if p == nil {
		p = &workflow.SubWorkflowParams{}
	}
	params := map[string]any{SubWorkflowNameKey: p.Name}
	if p.TaskToDomain != nil {
		m := make(map[string]any, len(p.TaskToDomain))
		for k, v := range p.TaskToDomain {
			m[k] = v
		}
		params[SubWorkflowTaskToDomainKey] = m
	}
	if p.WorkflowDefinition != nil {
		params[SubWorkflowDefinitionKey] = p.WorkflowDefinition
	}
	if p.Priority != nil {
		params[SubWorkflowPriorityKey] = p.Priority
	}
	params = expr.ResolveMap(params, dc.env(""))
	if _, expression := p.WorkflowDefinition.(string); p.WorkflowDefinition != nil && !expression {
		// An inline definition is the child's: its ${...} refer to the
		// child's tasks and input, so the parent leaves them alone.
		params[SubWorkflowDefinitionKey] = cloneJSON(p.WorkflowDefinition)
	}
	if p.Version != nil {
		params[SubWorkflowVersionKey] = *p.Version
	} else {
		params[SubWorkflowVersionKey] = nil
	}
	params[SubWorkflowInputKey] = input
	return params
}

// isSubWorkflow reports whether attempt t is a SUB_WORKFLOW row.
func isSubWorkflow(t *Task) bool { return t.Type == workflow.TaskTypeSubWorkflow }

// SubWorkflowID is the child a SUB_WORKFLOW attempt started, or "".
func SubWorkflowID(t *Task) string {
	if id, ok := t.Output[SubWorkflowIDKey].(string); ok {
		return id
	}
	if id, ok := t.Input[SubWorkflowIDKey].(string); ok {
		return id
	}
	return ""
}

// OpenSubWorkflows lists the started SUB_WORKFLOW attempts of a running
// workflow whose reconciliation deadline has passed at now.
func OpenSubWorkflows(s *State, now int64) []*Task {
	if s.Status != api.WorkflowRunning {
		return nil
	}
	var out []*Task
	for _, t := range s.Tasks {
		if isSubWorkflow(t) && t.Status == api.TaskInProgress && t.WaitUntil > 0 && t.WaitUntil <= now && SubWorkflowID(t) != "" {
			out = append(out, t)
		}
	}
	return out
}

// subWorkflowCheck is when a started SUB_WORKFLOW is next reconciled.
func subWorkflowCheck(t *Task, now int64) int64 {
	wait := int64(subWorkflowCheckMin)
	if t.StartTime > 0 && now-t.StartTime > wait {
		wait = now - t.StartTime
	}
	return now + min(wait, subWorkflowCheckMax)
}

// subWorkflowStarted records that the child of t runs: IN_PROGRESS,
// never redispatched, reconciled from its WaitUntil on.
func (dc *decision) subWorkflowStarted(t *Task, output map[string]any, workerID string) {
	if t.Status == api.TaskScheduled {
		dc.undispatch(t) // reported without a poll: take it off offer
	}
	dc.emit(events.Event{Type: events.TaskUpdated, Ref: t.Ref, TaskUpdated: &events.TaskUpdatedData{
		TaskID: t.ID, Status: api.TaskInProgress, Output: output, WorkerID: workerID,
		WaitUntil: subWorkflowCheck(t, dc.now),
	}})
}

// rearmSubWorkflow moves a started SUB_WORKFLOW's reconciliation deadline
// on: the caller looked at the child before this Tick and found it running.
func (dc *decision) rearmSubWorkflow(t *Task) {
	dc.emit(events.Event{Type: events.TaskUpdated, Ref: t.Ref, TaskUpdated: &events.TaskUpdatedData{
		TaskID: t.ID, Status: api.TaskInProgress, WaitUntil: subWorkflowCheck(t, dc.now),
	}})
}

// ChildResult is the result a finished child reports to its parent's
// SUB_WORKFLOW task (as upstream): COMPLETED with the child's output and
// subWorkflowId; FAILED or TIMED_OUT with the child's reason; CANCELED for
// a TERMINATED child, which terminates the parent. Nil while the child
// runs or when it has no parent.
func ChildResult(child *State) *api.TaskResult {
	if child.ParentWorkflowID == "" || !api.WorkflowTerminal(child.Status) {
		return nil
	}
	r := &api.TaskResult{WorkflowInstanceID: child.ParentWorkflowID, TaskID: child.ParentWorkflowTaskID,
		WorkerID: api.SystemWorkerID, SubWorkflowID: child.WorkflowID}
	out := map[string]any{}
	switch child.Status {
	case api.WorkflowCompleted:
		r.Status = api.TaskCompleted
		for k, v := range child.Output {
			out[k] = v
		}
	case api.WorkflowTerminated:
		r.Status = api.TaskCanceled
	case api.WorkflowTimedOut:
		r.Status = api.TaskTimedOut
	default:
		r.Status = api.TaskFailed
	}
	if r.Status != api.TaskCompleted {
		r.ReasonForIncompletion = "Sub workflow " + child.WorkflowID + " failure reason: " + child.Reason
	}
	out[SubWorkflowIDKey] = child.WorkflowID
	r.OutputData = out
	return r
}

// cloneJSON is v's JSON copy (v as it is if it cannot be encoded), so a
// row's input never aliases the definition.
func cloneJSON(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return v
	}
	return out
}
