package main

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
)

// attemptStatus is the status an attempt ends with when its worker does act.
func attemptStatus(act string) string {
	switch act {
	case actFail, actDupFail:
		return api.TaskFailed
	case actTerminal:
		return api.TaskFailedWithTerminalError
	case actCrash, actLate:
		return api.TaskTimedOut
	}
	return api.TaskCompleted
}

// faultPolicy is a task definition: one task type with its retry policy.
// Every policy's type is polled by the test's workers. Task timeouts
// (timeoutSeconds, pollTimeoutSeconds, timeoutPolicy) would be new fields
// here, with the actions that provoke them and their expected statuses in
// attemptStatus and faultAudit.attempt.
type faultPolicy struct {
	name            string
	retries         int
	logic           string
	delay           int64 // retryDelaySeconds
	responseTimeout int64
}

var (
	fixedNow   = &faultPolicy{name: "fault_fixed", retries: 3, logic: "FIXED", delay: 0, responseTimeout: 10}
	fixedDelay = &faultPolicy{name: "fault_fixed_delay", retries: 2, logic: "FIXED", delay: 1, responseTimeout: 10}
	linear     = &faultPolicy{name: "fault_linear", retries: 2, logic: "LINEAR_BACKOFF", delay: 1, responseTimeout: 10}
	expo       = &faultPolicy{name: "fault_exponential", retries: 2, logic: "EXPONENTIAL_BACKOFF", delay: 1, responseTimeout: 10}
	crashy1s   = &faultPolicy{name: "fault_crashy_1s", retries: 2, logic: "FIXED", delay: 0, responseTimeout: 1}
	crashy2s   = &faultPolicy{name: "fault_crashy_2s", retries: 2, logic: "FIXED", delay: 0, responseTimeout: 2}

	faultPolicies = []*faultPolicy{fixedNow, fixedDelay, linear, expo, crashy1s, crashy2s}
)

func (p *faultPolicy) taskDef() *workflow.TaskDef {
	retries, delay, timeout := p.retries, p.delay, p.responseTimeout
	return &workflow.TaskDef{Name: p.name, RetryCount: &retries, RetryLogic: p.logic, RetryDelaySeconds: &delay,
		ResponseTimeoutSeconds: &timeout, OwnerEmail: "fault@legato.invalid"}
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
	count int // workflows of this shape in a run
	wait  bool
	steps [][]faultRef
	// plan gives each ref's actions, and "wait" the WAIT's duration.
	plan func(r *rand.Rand) map[string]any
}

var faultShapes = []*faultShape{
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
	return &workflow.WorkflowDef{Name: s.workflowName(), Version: 1, SchemaVersion: 2, Tasks: tasks,
		OwnerEmail: "fault@legato.invalid"}
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
