package decider

import (
	"slices"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/expr"
	"github.com/legatohq/legato/pkg/workflow"
)

// schedule creates a new attempt of wt; retryOf is the failed attempt it
// replaces, if any, and iter the loop iteration it runs in (0 outside
// loops; a retry keeps its attempt's). A worker task is offered to
// pollers; a system task is run at once (systask.go).
func (dc *decision) schedule(wt *workflow.WorkflowTask, retryOf *Task, iter int) {
	if !dc.running() {
		return
	}
	if retryOf != nil {
		iter = dc.iterOf(retryOf)
	}
	ref, ok := dc.rowRef(wt, iter)
	if !ok || dc.tooManyTasks() {
		return
	}
	if t := dc.s.Latest(ref); t != nil && t.Status == api.TaskSkipped && retryOf == nil {
		dc.next(t) // the operator skipped it (skip.go): step over it
		return
	}
	if isSystem(wt) {
		dc.runSystem(wt, ref, iter, retryOf)
		return
	}
	seq := dc.nextSeq()
	id := dc.s.newTaskID(seq)
	td := taskDef(wt)
	input := dc.rowInput(wt, id, td.InputTemplate)
	if wt.Type == workflow.TaskTypeSubWorkflow {
		input = dc.subWorkflowInput(wt, input)
	}
	name := wt.Name
	if wt.Type == workflow.TaskTypeDynamic {
		if name = dynamicName(wt, input); name == "" {
			// Nothing to run: a row that fails at once says why.
			dc.runSystem(wt, ref, iter, retryOf)
			return
		}
	}
	domain := dc.domainFor(name)
	if isAsync(wt) {
		domain = api.SystemDomain
	}
	typ := rowType(wt)
	if wt.Type == workflow.TaskTypeDynamic {
		typ = name
	}
	d := &events.TaskScheduledData{
		TaskID: id, TaskType: typ, TaskDefName: name, Seq: seq, Input: input,
		Domain: domain, StartDelaySeconds: wt.StartDelay,
		ResponseTimeoutSeconds: deref(td.ResponseTimeoutSeconds, 0),
	}
	taskTimeouts(d, wt, td)
	if retryOf == nil {
		if wt.StartDelay > 0 {
			d.DispatchAt = dc.now + wt.StartDelay*1000
		}
	} else {
		d.RetryCount = retryOf.RetryCount + 1
		d.RetriedTaskID = retryOf.ID
		if !dc.operatorRetry {
			d.DispatchAt = dc.now + retryDelay(td, retryOf.RetryCount)*1000
		}
	}
	dc.emit(events.Event{Type: events.TaskScheduled, Ref: ref, TaskScheduled: d})
	dc.dispatch(dc.s.Tasks[len(dc.s.Tasks)-1])
}

// rowInput is a new row's input: wt's inputParameters resolved, with what
// a dynamic fork gives the task and a rerun's taskInput merged on, and
// template's keys filling what is missing or null.
func (dc *decision) rowInput(wt *workflow.WorkflowTask, id string, template map[string]any) map[string]any {
	input := expr.ResolveMap(wt.InputParameters, dc.env(id))
	for k, v := range dc.forkedInput(wt) {
		input[k] = v
	}
	dc.mergeTaskInput(input)
	for k, v := range template {
		if cur, ok := input[k]; !ok || cur == nil {
			input[k] = v
		}
	}
	return input
}

// rowRef is the reference name of wt's new row: ref plus the suffix chain
// of its loop's running iteration inside a loop body (ref__iter, or
// ref__m__iter when nested), ref elsewhere; a task a dynamic fork forked
// already carries its row's name. ok is false when the row must not be
// created: its loop is no longer running iteration iter (it failed, or
// was completed from outside, while the body still had tasks to go).
func (dc *decision) rowRef(wt *workflow.WorkflowTask, iter int) (string, bool) {
	loop := dc.graph().Loop(wt.TaskReferenceName)
	if loop == nil {
		return wt.TaskReferenceName, true
	}
	lt := dc.loopRow(loop)
	if iter < 1 || lt == nil || lt.Status != api.TaskInProgress || lt.Iteration != iter {
		return "", false
	}
	return wt.TaskReferenceName + dc.bodySuffix(lt), true
}

// dispatch offers a SCHEDULED task to pollers from its DispatchAt on.
func (dc *decision) dispatch(t *Task) {
	dc.res.Dispatch = append(dc.res.Dispatch, api.Dispatch{
		TaskID: t.ID, WorkflowID: dc.s.WorkflowID, TaskType: t.Type, Domain: t.Domain,
		VisibleAt: t.DispatchAt, Priority: dc.s.Priority,
	})
}

// afterTerminal moves the workflow on once attempt t has finished.
func (dc *decision) afterTerminal(t *Task) {
	if !dc.running() {
		return
	}
	wt := dc.defTask(t.Ref)
	switch t.Status {
	case api.TaskCompleted, api.TaskCompletedWithErrors, api.TaskSkipped:
		dc.proceed(t, wt)
		return
	case api.TaskCanceled:
		dc.cancelOpen()
		dc.end(api.WorkflowTerminated, failureReason(t, api.WorkflowTerminated), dc.s.Output, t)
		return
	case api.TaskFailed, api.TaskTimedOut:
		if wt != nil && t.RetryCount < retryLimit(wt) && !dc.retriesExpired(t, wt) {
			dc.schedule(wt, t, t.Iteration)
			return
		}
	}
	// FAILED_WITH_TERMINAL_ERROR, or retries exhausted.
	if wt != nil && wt.Optional {
		dc.emit(events.Event{Type: events.TaskUpdated, Ref: t.Ref, TaskUpdated: &events.TaskUpdatedData{
			TaskID: t.ID, Status: api.TaskCompletedWithErrors, Reason: t.Reason,
		}})
		dc.proceed(t, wt)
		return
	}
	if wt != nil && wt.Permissive {
		// A permissive task's failure does not stop the flow; the workflow
		// fails when it would complete (complete).
		dc.proceed(t, wt)
		return
	}
	if lt, lwt := dc.loopOf(t); lt != nil {
		// A failed loop-body task fails its DO_WHILE, which fails the
		// workflow unless it is optional itself.
		dc.failLoop(lt, lwt, t)
		return
	}
	status := api.WorkflowFailed
	if t.Status == api.TaskTimedOut {
		status = api.WorkflowTimedOut
	}
	dc.cancelOpen()
	dc.end(status, failureReason(t, status), dc.s.Output, t)
}

// complete ends the workflow COMPLETED. Output is the definition's
// outputParameters, or else the output of the last task scheduled. When
// permissive tasks failed on the way, it ends FAILED instead, listing them.
func (dc *decision) complete() {
	if dc.permissiveFailures() {
		return
	}
	var out map[string]any
	if len(dc.s.Def.OutputParameters) > 0 {
		out = expr.ResolveMap(dc.s.Def.OutputParameters, dc.env(""))
	} else if n := len(dc.s.Tasks); n > 0 {
		out = dc.s.Tasks[n-1].Output
	}
	if out == nil {
		out = map[string]any{}
	}
	dc.end(api.WorkflowCompleted, "", out, nil)
}

func failureReason(t *Task, workflowStatus string) string {
	return "Task " + t.ID + " failed with status: " + workflowStatus + " and reason: '" + t.Reason + "'"
}

// permissiveFailures ends the workflow FAILED if permissive tasks failed
// (their last attempts, after retries) and reports whether it did. The
// reason names the first; failedReferenceTaskNames lists them all.
func (dc *decision) permissiveFailures() bool {
	var failed []*Task
	for _, t := range dc.s.Tasks {
		if t.Retried || !api.TaskTerminal(t.Status) || api.TaskSuccessful(t.Status) {
			continue
		}
		if wt := dc.defTask(t.Ref); wt != nil && wt.Permissive && !wt.Optional {
			failed = append(failed, t)
		}
	}
	if len(failed) == 0 {
		return false
	}
	d := &events.WorkflowEndedData{Status: api.WorkflowFailed, Output: dc.s.Output,
		Reason: failureReason(failed[0], api.WorkflowFailed)}
	dc.withFailureWorkflow(d)
	for _, t := range failed {
		if !slices.Contains(d.FailedRefs, t.Ref) {
			d.FailedRefs = append(d.FailedRefs, t.Ref)
		}
		if !slices.Contains(d.FailedTaskNames, t.DefName) {
			d.FailedTaskNames = append(d.FailedTaskNames, t.DefName)
		}
	}
	dc.emit(events.Event{Type: events.WorkflowEnded, WorkflowEnded: d})
	return true
}
