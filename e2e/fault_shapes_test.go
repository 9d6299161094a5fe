package e2e

import (
	"fmt"
	"math/rand/v2"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/workflow"
)

// The failure shapes of TestFaultInjection. A shape is a workflow: an
// optional WAIT, then steps of worker tasks (a step of two runs them in a
// FORK/JOIN), and a plan saying what the workers do on each attempt of each
// task. The plan travels in the workflow input, so the workers and the
// audit read it from the server. A new failure shape is a new table entry
// (and, for a new worker behaviour, a new action).

// Worker actions, one per attempt: a task's plan is a list indexed by the
// attempt's retryCount; past its end the worker completes.
const (
	actOK       = "ok"       // complete at once
	actSlow     = "slow"     // complete after slowFor, well inside the response timeout
	actFail     = "fail"     // FAILED: retried by the task's policy
	actTerminal = "terminal" // FAILED_WITH_TERMINAL_ERROR: never retried
	actDup      = "dup"      // complete, then post the same result again
	actDupFail  = "dupfail"  // FAILED, posted twice: must be retried once
	actCrash    = "crash"    // never answer: the response timeout retries it
	actLate     = "late"     // complete once the attempt has timed out: ignored
	// keepalive reports IN_PROGRESS (callbackAfterSeconds 0) on every
	// delivery, a worker's heartbeat, so only timeoutSeconds can end it.
	actKeepAlive = "keepalive"
)

// attemptStatus is the status an attempt ends with when its worker does act.
func attemptStatus(act string) string {
	switch act {
	case actFail, actDupFail:
		return api.TaskFailed
	case actTerminal:
		return api.TaskFailedWithTerminalError
	case actCrash, actLate, actKeepAlive:
		return api.TaskTimedOut
	}
	return api.TaskCompleted
}

// faultPolicy is a task definition: one task type with its retry and
// timeout policy. Every policy's type is polled by the test's workers; a
// gated one only once every workflow has started and the kills are over,
// so that its first attempts wait for a poller in vain.
type faultPolicy struct {
	name            string
	retries         int
	logic           string
	delay           int64 // retryDelaySeconds
	responseTimeout int64
	timeout         int64  // timeoutSeconds, from the attempt's first start
	pollTimeout     int64  // pollTimeoutSeconds, from when it became pollable
	timeoutPolicy   string // of timeout and pollTimeout
	total           int64  // totalTimeoutSeconds: no retry once that long after the first attempt's scheduling
	gated           bool
}

var (
	fixedNow   = &faultPolicy{name: "fault_fixed", retries: 3, logic: "FIXED", delay: 0, responseTimeout: 10}
	fixedDelay = &faultPolicy{name: "fault_fixed_delay", retries: 2, logic: "FIXED", delay: 1, responseTimeout: 10}
	linear     = &faultPolicy{name: "fault_linear", retries: 2, logic: "LINEAR_BACKOFF", delay: 1, responseTimeout: 10}
	expo       = &faultPolicy{name: "fault_exponential", retries: 2, logic: "EXPONENTIAL_BACKOFF", delay: 1, responseTimeout: 10}
	crashy1s   = &faultPolicy{name: "fault_crashy_1s", retries: 2, logic: "FIXED", delay: 0, responseTimeout: 1}
	crashy2s   = &faultPolicy{name: "fault_crashy_2s", retries: 2, logic: "FIXED", delay: 0, responseTimeout: 2}
	aliveRetry = &faultPolicy{name: "fault_timeout_retry", retries: 2, logic: "FIXED", delay: 0, responseTimeout: 1,
		timeout: 2, timeoutPolicy: workflow.TimeoutRetry}
	aliveWF = &faultPolicy{name: "fault_timeout_wf", retries: 2, logic: "FIXED", delay: 0, responseTimeout: 1,
		timeout: 2, timeoutPolicy: workflow.TimeoutWorkflow}
	aliveTotal = &faultPolicy{name: "fault_timeout_total", retries: 5, logic: "FIXED", delay: 0, responseTimeout: 1,
		timeout: 2, timeoutPolicy: workflow.TimeoutRetry, total: 3}
	// lonely's attempts time out unpolled until its workers start; many
	// retries, so that they are not used up by then.
	lonely = &faultPolicy{name: "fault_lonely", retries: 30, logic: "FIXED", delay: 1, responseTimeout: 10,
		pollTimeout: 1, timeoutPolicy: workflow.TimeoutRetry, gated: true}

	faultPolicies = []*faultPolicy{fixedNow, fixedDelay, linear, expo, crashy1s, crashy2s, aliveRetry, aliveWF, aliveTotal, lonely}
)

func (p *faultPolicy) taskDef() *workflow.TaskDef {
	retries, delay, timeout, poll := p.retries, p.delay, p.responseTimeout, p.pollTimeout
	return &workflow.TaskDef{Name: p.name, RetryCount: &retries, RetryLogic: p.logic, RetryDelaySeconds: &delay,
		ResponseTimeoutSeconds: &timeout, TimeoutSeconds: p.timeout, PollTimeoutSeconds: &poll,
		TimeoutPolicy: p.timeoutPolicy, TotalTimeoutSeconds: p.total, OwnerEmail: "fault@legato.invalid"}
}

// timesOutWorkflow reports whether the policy's own timeouts end the
// workflow rather than retry.
func (p *faultPolicy) timesOutWorkflow() bool {
	return p.timeout+p.pollTimeout > 0 && p.timeoutPolicy == workflow.TimeoutWorkflow
}

// retryDelay is Conductor's delay in ms before retry n+1 after attempt n
// (0-based) failed, written out independently of the decider's.
func (p *faultPolicy) retryDelay(n int) int64 {
	switch p.logic {
	case "LINEAR_BACKOFF":
		return p.delay * int64(n+1) * 1000
	case "EXPONENTIAL_BACKOFF":
		return p.delay << n * 1000
	}
	return p.delay * 1000
}

// faultRef is one worker task of a shape.
type faultRef struct {
	ref      string
	policy   *faultPolicy
	optional bool
}

type faultShape struct {
	name  string
	count int // workflows of this shape the test starts
	wait  bool
	steps [][]faultRef
	// timeout is the workflow's timeoutSeconds (policy TIME_OUT_WF).
	timeout int64
	// failureWorkflow is the shape the engine starts when one of this
	// shape's workflows fails or times out.
	failureWorkflow *faultShape
	// operatorRetry: the test retries (POST /retry) each workflow of this
	// shape once it has failed.
	operatorRetry bool
	// plan gives each ref's actions, and "wait" the WAIT's duration.
	plan func(r *rand.Rand) map[string]any
}

// cleanup is the failure workflow of the failure_workflow shape: the
// engine starts it with the failed workflow's input, which has no plan for
// its task "undo": that completes at once.
var cleanup = &faultShape{name: "cleanup", steps: seq(faultRef{"undo", fixedNow, false}),
	plan: func(*rand.Rand) map[string]any { return nil }}

var faultShapes = []*faultShape{
	cleanup,
	{name: "retry_fixed", count: 35, steps: seq(faultRef{"a", fixedNow, false}),
		plan: func(r *rand.Rand) map[string]any { return plans("a", fails(r.IntN(5), actOK)) }},
	{name: "retry_fixed_delay", count: 25, steps: seq(faultRef{"a", fixedDelay, false}),
		plan: func(r *rand.Rand) map[string]any { return plans("a", fails(r.IntN(4), actOK)) }},
	{name: "retry_linear", count: 25, steps: seq(faultRef{"a", linear, false}),
		plan: func(r *rand.Rand) map[string]any { return plans("a", fails(r.IntN(4), actOK)) }},
	{name: "retry_exponential", count: 25, steps: seq(faultRef{"a", expo, false}),
		plan: func(r *rand.Rand) map[string]any { return plans("a", fails(r.IntN(4), actOK)) }},
	{name: "terminal", count: 25, steps: seq(faultRef{"a", fixedNow, false}, faultRef{"b", fixedNow, false}),
		plan: func(r *rand.Rand) map[string]any {
			if r.IntN(2) == 0 {
				return plans("a", fails(r.IntN(2), actTerminal), "b", []any{actOK})
			}
			return plans("a", fails(r.IntN(2), actOK), "b", []any{actTerminal})
		}},
	{name: "slow", count: 25, steps: seq(faultRef{"a", fixedNow, false}, faultRef{"b", fixedDelay, false}),
		plan: func(r *rand.Rand) map[string]any {
			return plans("a", []any{actSlow}, "b", fails(r.IntN(2), actSlow))
		}},
	{name: "crash_1s", count: 25, steps: seq(faultRef{"a", crashy1s, false}),
		plan: func(r *rand.Rand) map[string]any { return plans("a", repeat(actCrash, 1+r.IntN(3), actOK)) }},
	{name: "crash_2s", count: 15, steps: seq(faultRef{"a", crashy2s, false}),
		plan: func(r *rand.Rand) map[string]any { return plans("a", repeat(actCrash, 1+r.IntN(3), actOK)) }},
	{name: "duplicate", count: 25, steps: seq(faultRef{"a", fixedNow, false}),
		plan: func(r *rand.Rand) map[string]any { return plans("a", repeat(actDupFail, r.IntN(3), actDup)) }},
	{name: "late", count: 20, steps: seq(faultRef{"a", crashy1s, false}),
		plan: func(r *rand.Rand) map[string]any { return plans("a", repeat(actLate, 1+r.IntN(2), actOK)) }},
	{name: "optional", count: 25, steps: seq(faultRef{"a", fixedNow, true}, faultRef{"b", fixedNow, false}),
		plan: func(r *rand.Rand) map[string]any {
			a := [][]any{{actTerminal}, fails(4, actOK), fails(1, actOK)}[r.IntN(3)]
			return plans("a", a, "b", []any{actOK})
		}},
	{name: "wait", count: 20, wait: true, steps: seq(faultRef{"a", fixedNow, false}),
		plan: func(r *rand.Rand) map[string]any {
			p := plans("a", fails(r.IntN(2), actOK))
			p["wait"] = fmt.Sprintf("%ds", 1+r.IntN(2))
			return p
		}},
	{name: "fork", count: 25, steps: [][]faultRef{{{"a", fixedNow, false}, {"b", linear, false}}, {{"c", fixedNow, false}}},
		plan: func(r *rand.Rand) map[string]any {
			if r.IntN(3) == 0 {
				// b fails the workflow while a is still on its worker: a is cancelled.
				return plans("a", []any{actCrash}, "b", []any{actTerminal}, "c", []any{actOK})
			}
			return plans("a", fails(r.IntN(3), actOK), "b", fails(r.IntN(2), actOK), "c", []any{actOK})
		}},
	// Timeouts. A heartbeating worker outlives timeoutSeconds: RETRY
	// retries it, TIME_OUT_WF ends the workflow at once.
	{name: "task_timeout_retry", count: 15, steps: seq(faultRef{"a", aliveRetry, false}),
		plan: func(r *rand.Rand) map[string]any { return plans("a", repeat(actKeepAlive, r.IntN(4), actOK)) }},
	// The first timeout (at 2 s) is retried, the second (at 4 s) is past
	// totalTimeoutSeconds (3 s): retries left, but no retry.
	{name: "total_timeout", count: 10, steps: seq(faultRef{"a", aliveTotal, false}),
		plan: func(r *rand.Rand) map[string]any { return plans("a", repeat(actKeepAlive, 1+r.IntN(3), actOK)) }},
	{name: "task_timeout_wf", count: 15, steps: seq(faultRef{"a", aliveWF, false}, faultRef{"b", fixedNow, false}),
		plan: func(r *rand.Rand) map[string]any {
			return plans("a", [][]any{{actKeepAlive}, {actKeepAlive}, {actOK}}[r.IntN(3)], "b", []any{actOK})
		}},
	// Nobody polls a's type before every workflow has started: its first
	// attempts time out waiting for a poller.
	{name: "poll_timeout", count: 8, steps: seq(faultRef{"a", lonely, false}),
		plan: func(r *rand.Rand) map[string]any { return plans("a", []any{actOK}) }},
	// b never answers: only the workflow's 2 s timeout ends it.
	{name: "workflow_timeout", count: 15, timeout: 2, steps: seq(faultRef{"a", fixedNow, false}, faultRef{"b", fixedNow, false}),
		plan: func(r *rand.Rand) map[string]any {
			return plans("a", []any{actOK}, "b", [][]any{{actCrash}, {actCrash}, {actOK}}[r.IntN(3)])
		}},
	// Failed (at once, or out of retries), timed out, or completed.
	{name: "failure_workflow", count: 24, failureWorkflow: cleanup, steps: seq(faultRef{"a", crashy1s, false}),
		plan: func(r *rand.Rand) map[string]any {
			return plans("a", [][]any{{actTerminal}, fails(3, actOK), repeat(actCrash, 3, actOK), {actOK}}[r.IntN(4)])
		}},
	{name: "operator_retry", count: 15, operatorRetry: true, steps: seq(faultRef{"a", fixedNow, false}, faultRef{"b", fixedNow, false}),
		plan: func(r *rand.Rand) map[string]any {
			return plans("a", [][]any{{actTerminal, actOK}, fails(4, actOK)}[r.IntN(2)], "b", []any{actOK})
		}},
}

// seq is steps of one task each.
func seq(refs ...faultRef) [][]faultRef {
	steps := make([][]faultRef, len(refs))
	for i, fr := range refs {
		steps[i] = []faultRef{fr}
	}
	return steps
}

func plans(refAndActions ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i < len(refAndActions); i += 2 {
		m[refAndActions[i].(string)] = refAndActions[i+1]
	}
	return m
}

// repeat is act n times, then last.
func repeat(act string, n int, last string) []any {
	p := make([]any, 0, n+1)
	for range n {
		p = append(p, act)
	}
	return append(p, last)
}

func fails(n int, last string) []any { return repeat(actFail, n, last) }

func (s *faultShape) workflowName() string { return "fault_" + s.name }

func (s *faultShape) def() *workflow.WorkflowDef {
	var tasks []*workflow.WorkflowTask
	if s.wait {
		tasks = append(tasks, &workflow.WorkflowTask{Name: "wait", TaskReferenceName: "wait", Type: workflow.TaskTypeWait,
			InputParameters: map[string]any{"duration": "${workflow.input.wait}"}})
	}
	for i, step := range s.steps {
		if len(step) == 1 {
			tasks = append(tasks, step[0].task())
			continue
		}
		fork := &workflow.WorkflowTask{Name: "fork", TaskReferenceName: fmt.Sprintf("fork%d", i), Type: workflow.TaskTypeForkJoin}
		join := &workflow.WorkflowTask{Name: "join", TaskReferenceName: fmt.Sprintf("join%d", i), Type: workflow.TaskTypeJoin}
		for _, fr := range step {
			fork.ForkTasks = append(fork.ForkTasks, []*workflow.WorkflowTask{fr.task()})
			join.JoinOn = append(join.JoinOn, fr.ref)
		}
		tasks = append(tasks, fork, join)
	}
	def := &workflow.WorkflowDef{Name: s.workflowName(), Version: 1, SchemaVersion: 2, Tasks: tasks,
		OwnerEmail: "fault@legato.invalid"}
	if s.timeout > 0 {
		def.TimeoutSeconds, def.TimeoutPolicy = s.timeout, workflow.TimeoutWorkflow
	}
	if s.failureWorkflow != nil {
		def.FailureWorkflow = s.failureWorkflow.workflowName()
	}
	return def
}

func (fr faultRef) task() *workflow.WorkflowTask {
	return &workflow.WorkflowTask{Name: fr.policy.name, TaskReferenceName: fr.ref, Type: workflow.TaskTypeSimple,
		Optional: fr.optional, InputParameters: map[string]any{"plan": "${workflow.input." + fr.ref + "}"}}
}

// planned is the action of attempt retryCount in plan.
func planned(plan any, retryCount int) string {
	p, _ := plan.([]any)
	if retryCount < len(p) {
		if act, ok := p[retryCount].(string); ok {
			return act
		}
	}
	return actOK
}
