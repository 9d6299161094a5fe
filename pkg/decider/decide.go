package decider

import (
	"fmt"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/expr"
	"github.com/legatohq/legato/pkg/workflow"
)

// Decider holds the decider's configuration and the facts it reads. It has
// no mutable state; a shard copies it with the round's Facts.
type Decider struct {
	// Getenv resolves ${NAME} expressions that name no workflow or task
	// (Conductor substitutes environment variables). Nil: none.
	Getenv func(name string) (string, bool)
	// Scripts evaluates JavaScript and jq; nil: tasks that need it fail
	// with a reason saying so.
	Scripts Scripts
	// Facts is what Decide reads from outside the workflow, set by the
	// caller before each round (facts.go).
	Facts Facts
	// Retention removes an ended workflow this long (ms) after its end, on
	// its Tick (remove.go); 0 keeps it.
	Retention int64
	// Limits bound a workflow's size (limits.go).
	Limits Limits
}

// Scripts evaluates the scripts of a definition (pkg/script's Evaluator).
// Each call sees $ (or jq's .) bound to input, which it must not modify.
// It must be safe for concurrent use. Decide records every result in its
// events, so a replay never calls it.
type Scripts interface {
	// JS returns the value of the last expression of a JavaScript program:
	// SWITCH with evaluatorType javascript, DECISION caseExpression,
	// INLINE expression, DO_WHILE loopCondition.
	JS(script string, input map[string]any) (any, error)
	// Lambda runs body as a JavaScript function's body and returns what it
	// returns (LAMBDA scriptExpression).
	Lambda(body string, input map[string]any) (any, error)
	// JQ returns every result of a jq query (JSON_JQ_TRANSFORM
	// queryExpression), in order.
	JQ(query string, input map[string]any) ([]any, error)
}

// Decide applies one input to s at time now (epoch ms). On error s is
// unchanged and nothing must be committed.
func (d Decider) Decide(s *State, in Input, now int64) (Result, error) {
	dc := &decision{d: d, s: s, now: now}
	var err error
	settle := true
	switch {
	case in.Remove || in.Tick && d.expired(s, now):
		dc.remove()
		return dc.res, nil
	case in.Start != nil:
		err = dc.start(in.Start)
	case in.TaskStarted != nil:
		err, settle = dc.taskStarted(in.TaskStarted), false
	case in.TaskResult != nil:
		err = dc.taskResult(in.TaskResult)
	case in.ResultByRef != nil:
		err = dc.resultByRef(in.ResultByRef)
	case in.Terminate != nil:
		dc.byOperator = true
		err, settle = dc.terminate(in.Terminate.Reason), false
	case in.FailureWorkflowStarted != nil:
		err, settle = dc.failureWorkflowStarted(in.FailureWorkflowStarted), false
	case in.Pause:
		err, settle = dc.pause(), false
	case in.Resume:
		err = dc.resume()
	case in.Tick:
		dc.tick()
	case in.Retry != nil:
		err = dc.retryWorkflow(in.Retry)
	case in.Restart != nil:
		err = dc.restart(in.Restart)
	case in.Rerun != nil:
		err = dc.rerun(in.Rerun)
	case in.Skip != nil:
		err = dc.skip(in.Skip.Ref)
	case in.ResetCallbacks:
		err, settle = dc.resetCallbacks(), false
	default:
		err = fmt.Errorf("%w: empty input", ErrConflict)
	}
	if err != nil {
		return Result{}, err
	}
	if settle {
		dc.settle()
	}
	dc.finish()
	return dc.res, nil
}

// decision is one Decide call in progress.
type decision struct {
	d   Decider
	s   *State
	now int64
	res Result
	g   *workflow.Graph // the definition's graph, once asked for
	// iterations counts the DO_WHILE iterations this Decide started
	// (maxIterationsPerDecide).
	iterations int
	// byOperator marks an end an operator asked for: it starts no
	// failure workflow.
	byOperator bool
	// operatorRetry schedules retries without their retry delay
	// (workflowretry.go); taskInput is merged into the next row's input
	// (rerun.go).
	operatorRetry bool
	taskInput     map[string]any
	// endedNow and failureUpdated note a WorkflowEnded, and a change to the
	// failure workflow, for the Result's notes (effects.go).
	endedNow, failureUpdated bool
}

// emit stamps e, folds it into the state and records it. Apply only fails
// on events this package built wrongly, which is a bug worth a panic.
func (dc *decision) emit(e events.Event) {
	e.ID = dc.s.LastEventID + 1
	e.Time = dc.now
	var before *rows
	if e.Type == events.WorkflowRestarted || e.Type == events.WorkflowRerun {
		before = rowsOf(dc.s)
	}
	if err := Apply(dc.s, &e); err != nil {
		panic(err)
	}
	dc.record(&e, before)
	dc.noteVisibility(&e)
	dc.res.Events = append(dc.res.Events, e)
}

func (dc *decision) running() bool { return dc.s.Status == api.WorkflowRunning }

// live reports whether the workflow has not ended: RUNNING or PAUSED. A
// paused workflow still accepts updates of its open tasks (pause.go).
func (dc *decision) live() bool {
	return dc.s.Status == api.WorkflowRunning || dc.s.Status == api.WorkflowPaused
}

func (dc *decision) start(st *Start) error {
	if dc.s.LastEventID != 0 {
		return fmt.Errorf("%w: %s", ErrExists, st.WorkflowID)
	}
	if over := dc.d.overPayload("Workflow input", st.Input); over != "" {
		return fmt.Errorf("%w: %s", ErrInvalid, over)
	}
	def := st.Def
	dc.s.Def = def
	input := withInputTemplate(def, st.Input)
	dc.emit(events.Event{Type: events.WorkflowStarted, WorkflowStarted: &events.WorkflowStartedData{
		WorkflowID: st.WorkflowID, Name: def.Name, Version: def.Version, DefHash: st.DefHash,
		Input: input, CorrelationID: st.CorrelationID, Priority: st.Priority,
		TaskToDomain: st.TaskToDomain, CreatedBy: st.CreatedBy, IdempotencyKey: st.IdempotencyKey,
		Variables:        copyMap(def.Variables),
		ParentWorkflowID: st.ParentWorkflowID, ParentWorkflowTaskID: st.ParentWorkflowTaskID,
		TimeoutSeconds: workflowTimeout(def),
	}})
	if first := workflow.First(def.Tasks); first != nil {
		dc.schedule(first, nil, 0)
	}
	return nil
}

func (dc *decision) taskStarted(ts *TaskStarted) error {
	t := dc.s.Task(ts.TaskID)
	if t == nil {
		return fmt.Errorf("%w: %s", ErrTaskNotFound, ts.TaskID)
	}
	if !dc.live() || t.Status != api.TaskScheduled || t.DispatchAt > dc.now {
		return fmt.Errorf("%w: task %s is %s in a %s workflow", ErrTaskNotPending, t.ID, t.Status, dc.s.Status)
	}
	dc.emit(events.Event{Type: events.TaskStarted, Ref: t.Ref,
		TaskStarted: &events.TaskStartedData{TaskID: t.ID, WorkerID: ts.WorkerID}})
	dc.res.Undispatch = append(dc.res.Undispatch, t.ID)
	dc.res.Reply.Task = TaskView(dc.s, t)
	return nil
}

func (dc *decision) taskResult(r *api.TaskResult) error {
	t := dc.s.Task(r.TaskID)
	if t == nil {
		return fmt.Errorf("%w: %s", ErrTaskNotFound, r.TaskID)
	}
	return dc.update(t, r.Status, r.OutputData, r.ReasonForIncompletion, r.WorkerID, r.CallbackAfterSeconds)
}

func (dc *decision) resultByRef(r *ResultByRef) error {
	// The newest open row of ref, or of a loop's ref__n (as upstream).
	var open *Task
	for i := len(dc.s.Tasks) - 1; i >= 0 && open == nil; i-- {
		t := dc.s.Tasks[i]
		if api.TaskTerminal(t.Status) {
			continue
		}
		if workflow.RowOf(t.Ref, r.Ref) {
			open = t
		}
	}
	if open == nil {
		return nil
	}
	dc.res.Reply.TaskID = open.ID
	return dc.update(open, r.Status, r.Output, "", r.WorkerID, 0)
}

// update applies a status reported from outside (a worker or the API).
// Updates of finished tasks or workflows are ignored, as upstream does.
func (dc *decision) update(t *Task, status string, output map[string]any, reason, workerID string, callbackAfter int64) error {
	switch {
	case status == api.TaskInProgress, status == api.TaskCompleted, status == api.TaskFailed,
		status == api.TaskFailedWithTerminalError, status == api.TaskCanceled:
	case status == api.TaskTimedOut && isSubWorkflow(t):
		// A child that timed out times its SUB_WORKFLOW task out.
	default:
		return fmt.Errorf("%w: %q (want IN_PROGRESS, COMPLETED, FAILED, FAILED_WITH_TERMINAL_ERROR or CANCELED)", ErrBadStatus, status)
	}
	dc.res.Reply.Queue = api.TaskQueue{TaskType: t.Type, Domain: t.Domain}
	if !dc.live() || api.TaskTerminal(t.Status) {
		return nil
	}
	if over := dc.d.overPayload("Task output", output); over != "" {
		status, output, reason = api.TaskFailedWithTerminalError, nil, over
	}
	if dc.system(t) {
		// WAIT, HUMAN, a JOIN...: nobody polls them, so IN_PROGRESS keeps
		// them as they are (a WAIT keeps its due time).
		d := &events.TaskUpdatedData{TaskID: t.ID, Status: status, Output: output, Reason: reason, WorkerID: workerID}
		if status == api.TaskInProgress {
			d.WaitUntil = t.WaitUntil
		}
		dc.emit(events.Event{Type: events.TaskUpdated, Ref: t.Ref, TaskUpdated: d})
		if status != api.TaskInProgress {
			dc.afterTerminal(t)
		}
		return nil
	}
	if status == api.TaskInProgress && isSubWorkflow(t) {
		// The child runs: the task stays IN_PROGRESS until it ends.
		dc.subWorkflowStarted(t, output, workerID)
		return nil
	}
	if status == api.TaskInProgress && asyncCompleteCall(dc.defTask(t.Ref), t) {
		// The engine made the call (an HTTP 2xx, a Kafka publish;
		// services/history): the task waits IN_PROGRESS, offered to
		// nobody, for an update from outside.
		if t.Status == api.TaskScheduled {
			dc.undispatch(t)
		}
		dc.emit(events.Event{Type: events.TaskUpdated, Ref: t.Ref, TaskUpdated: &events.TaskUpdatedData{
			TaskID: t.ID, Status: api.TaskInProgress, Output: output, Reason: reason, WorkerID: workerID,
		}})
		return nil
	}
	if status == api.TaskInProgress {
		// The worker keeps the task alive: back to SCHEDULED, offered again
		// after callbackAfterSeconds.
		dc.release(t)
		at := dc.now + callbackAfter*1000
		dc.emit(events.Event{Type: events.TaskUpdated, Ref: t.Ref, TaskUpdated: &events.TaskUpdatedData{
			TaskID: t.ID, Status: api.TaskScheduled, Output: output, Reason: reason, WorkerID: workerID,
			CallbackAfterSeconds: callbackAfter, DispatchAt: at,
		}})
		dc.dispatch(t)
		return nil
	}
	dc.undispatch(t)
	dc.emit(events.Event{Type: events.TaskUpdated, Ref: t.Ref, TaskUpdated: &events.TaskUpdatedData{
		TaskID: t.ID, Status: status, Output: output, Reason: reason, WorkerID: workerID,
	}})
	dc.afterTerminal(t)
	return nil
}

func (dc *decision) terminate(reason string) error {
	switch dc.s.Status {
	case api.WorkflowTerminated:
		return nil
	case api.WorkflowRunning, api.WorkflowPaused:
	default:
		return fmt.Errorf("%w: workflow %s is already %s", ErrConflict, dc.s.WorkflowID, dc.s.Status)
	}
	dc.cancelOpen()
	dc.end(api.WorkflowTerminated, reason, dc.s.Output, nil)
	return nil
}

// cancelOpen cancels every task that has not finished.
func (dc *decision) cancelOpen() {
	for _, t := range dc.s.Tasks {
		if api.TaskTerminal(t.Status) {
			continue
		}
		dc.undispatch(t)
		dc.emit(events.Event{Type: events.TaskUpdated, Ref: t.Ref, TaskUpdated: &events.TaskUpdatedData{
			TaskID: t.ID, Status: api.TaskCanceled,
		}})
	}
}

// undispatch takes an open task off offer before it ends. Only a
// SCHEDULED one has an outbox row (its start deleted it) and is still
// queued in matching, to be withdrawn there too. System tasks were never
// offered.
func (dc *decision) undispatch(t *Task) {
	if dc.system(t) {
		return
	}
	if t.Status == api.TaskScheduled {
		dc.res.Undispatch = append(dc.res.Undispatch, t.ID)
		dc.res.Withdraw = append(dc.res.Withdraw, api.Dispatch{TaskID: t.ID, WorkflowID: dc.s.WorkflowID, TaskType: t.Type, Domain: t.Domain})
	}
	dc.release(t)
}

// release tells matching that a polled task is about to stop being
// IN_PROGRESS; call it before the event that changes its status.
func (dc *decision) release(t *Task) {
	if t.Status == api.TaskInProgress && !dc.system(t) {
		dc.res.Release = append(dc.res.Release, api.Dispatch{TaskID: t.ID, WorkflowID: dc.s.WorkflowID, TaskType: t.Type, Domain: t.Domain})
	}
}

func (dc *decision) end(status, reason string, output map[string]any, failed *Task) {
	d := &events.WorkflowEndedData{Status: status, Output: output, Reason: reason}
	if failed != nil {
		d.FailedRefs = []string{failed.Ref}
		d.FailedTaskNames = []string{failed.DefName}
	}
	dc.withFailureWorkflow(d)
	dc.emit(events.Event{Type: events.WorkflowEnded, WorkflowEnded: d})
}

// env is the ${...} context: the workflow and the latest attempt of each
// task reference name.
func (dc *decision) env(taskID string) expr.Env {
	return expr.Env{Lookup: func(root string) (any, bool) { return lookup(dc.s, root) }, TaskID: taskID, Getenv: dc.d.Getenv}
}

// withInputTemplate is a copy of a workflow input with the definition's
// inputTemplate filling absent keys.
func withInputTemplate(def *workflow.WorkflowDef, in map[string]any) map[string]any {
	input := copyMap(in)
	if input == nil {
		input = map[string]any{}
	}
	for k, v := range def.InputTemplate {
		if _, ok := input[k]; !ok {
			input[k] = v
		}
	}
	return input
}

func copyMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
