package e2e

import (
	"fmt"
	"strings"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/workflow"
)

// The audit of timeouts and operator retries in TestFaultInjection.

// The reasons of the three task timeouts, as upstream words them (a
// response timeout is Legato's own).
const (
	taskTimedOut     = "Task timed out after "
	pollTimedOut     = "Task poll timed out after "
	responseTimedOut = "responseTimeout: "
	wfTimedOut       = "Workflow timed out after "
)

// lateSlack is how late (ms) a timeout may fire on a loaded machine
// when no kill delayed it.
const lateSlack = 3000

// onTime checks that a timeout due at due (epoch ms) fired at end: not
// before, and not much after unless the server was down at due and fired
// it soon after it came back.
func (a *faultAudit) onTime(wf *api.Workflow, what string, due, end int64) {
	switch {
	case end < due:
		a.errorf(wf, "%s fired %d ms before it was due", what, due-end)
	case end <= due+lateSlack:
		a.seen["timeouts on time"]++
	case !a.downAt(due, end):
		a.errorf(wf, "%s fired %d ms after it was due; the server was down %v", what, end-due, a.downtimes())
	default:
		a.seen["timeouts fired after a restart"]++
	}
}

// downAt reports whether the server was down at due (or about to go down)
// and came back not long before end.
func (a *faultAudit) downAt(due, end int64) bool {
	for i, k := range a.kills {
		if up := a.ups[i]; k <= due+lateSlack && up >= due && end <= up+lateSlack {
			return true
		}
	}
	return false
}

func (a *faultAudit) downtimes() [][2]int64 {
	var d [][2]int64
	for i, k := range a.kills {
		d = append(d, [2]int64{k, a.ups[i]})
	}
	return d
}

// timeoutKind checks a TIMED_OUT attempt against the limit its reason
// names, and returns that reason's prefix.
func (a *faultAudit) timeoutKind(wf *api.Workflow, fr faultRef, task *api.Task) string {
	p, r := fr.policy, task.ReasonForIncompletion
	configured := func(limit string, secs int64) bool {
		return strings.HasSuffix(r, fmt.Sprintf("%s configured as %d seconds. Timeout policy configured to %s", limit, secs, p.timeoutPolicy))
	}
	switch {
	case strings.HasPrefix(r, taskTimedOut):
		if p.timeout == 0 || !configured("Timeout", p.timeout) || task.FirstStartTime == 0 {
			a.errorf(wf, "%s attempt %d: %q, first started at %d; timeoutSeconds is %d",
				fr.ref, task.RetryCount, r, task.FirstStartTime, p.timeout)
		}
		a.onTime(wf, fmt.Sprintf("%s attempt %d: %q", fr.ref, task.RetryCount, r), task.FirstStartTime+p.timeout*1000, task.EndTime)
		a.seen["task timeouts ("+p.timeoutPolicy+")"]++
		return taskTimedOut
	case strings.HasPrefix(r, pollTimedOut):
		pollable := task.ScheduledTime
		if task.RetryCount > 0 {
			pollable += p.retryDelay(task.RetryCount - 1)
		}
		if p.pollTimeout == 0 || !configured("Poll timeout", p.pollTimeout) || task.StartTime != 0 {
			a.errorf(wf, "%s attempt %d: %q, started at %d; pollTimeoutSeconds is %d",
				fr.ref, task.RetryCount, r, task.StartTime, p.pollTimeout)
		}
		a.onTime(wf, fmt.Sprintf("%s attempt %d: %q", fr.ref, task.RetryCount, r), pollable+p.pollTimeout*1000, task.EndTime)
		return pollTimedOut
	case strings.HasPrefix(r, responseTimedOut):
		if task.StartTime == 0 || task.EndTime < task.StartTime+p.responseTimeout*1000 {
			a.errorf(wf, "%s attempt %d timed out %d ms after its start; responseTimeoutSeconds is %d",
				fr.ref, task.RetryCount, task.EndTime-task.StartTime, p.responseTimeout)
		}
		return responseTimedOut
	}
	a.errorf(wf, "%s attempt %d timed out for no known reason: %q", fr.ref, task.RetryCount, r)
	return ""
}

// workflowTimeout checks a workflow that its own timeoutSeconds ended (and
// that no other did) and reports whether it was one.
func (a *faultAudit) workflowTimeout(s *faultShape, wf *api.Workflow) bool {
	if !strings.HasPrefix(wf.ReasonForIncompletion, wfTimedOut) {
		return false
	}
	want := fmt.Sprintf("Timeout configured as %d seconds. Timeout policy configured to %s", s.timeout, workflow.TimeoutWorkflow)
	if s.timeout == 0 || wf.Status != api.WorkflowTimedOut || !strings.HasSuffix(wf.ReasonForIncompletion, want) {
		a.errorf(wf, "%s %q; the definition's timeoutSeconds is %d", wf.Status, wf.ReasonForIncompletion, s.timeout)
	}
	a.onTime(wf, "the workflow timeout", max(wf.CreateTime, wf.LastRetriedTime)+s.timeout*1000, wf.EndTime)
	canceled := 0
	for _, task := range wf.Tasks {
		switch task.Status {
		case api.TaskCanceled:
			canceled++
		case api.TaskCompleted, api.TaskFailed: // done, or retried
		default:
			a.errorf(wf, "%s is %s in a workflow that its timeout ended: %s", task.ReferenceTaskName, task.Status, taskSummary(wf))
		}
	}
	if canceled == 0 {
		a.errorf(wf, "the workflow timed out with no open task to cancel: %s", taskSummary(wf))
	}
	a.seen["workflow timeouts"]++
	return true
}

// byOperator reports whether attempts[i] is the new attempt of an
// operator's retry: scheduled by the retry, after attempts[i-1] ended.
func byOperator(wf *api.Workflow, attempts []*api.Task, i int) bool {
	r := wf.LastRetriedTime
	return r > 0 && i > 0 && attempts[i].ScheduledTime >= r && attempts[i-1].EndTime <= r
}

// operatorRetry checks the operator's retry of a workflow of shape s (the
// test retries each once it failed): it happened, after the failure, and
// each of its new attempts is a new row that retries the failed one.
func (a *faultAudit) operatorRetry(s *faultShape, wf *api.Workflow, byRef map[string][]*api.Task) {
	acked, sent := a.retried[wf.WorkflowID]
	switch {
	case !s.operatorRetry && wf.LastRetriedTime == 0:
		return
	case !s.operatorRetry:
		a.errorf(wf, "nobody retried it, yet its lastRetriedTime is %d", wf.LastRetriedTime)
		return
	case !sent || wf.LastRetriedTime == 0:
		a.errorf(wf, "retry sent %v (acknowledged at %d), lastRetriedTime %d: %s", sent, acked, wf.LastRetriedTime, taskSummary(wf))
		return
	case acked > 0 && wf.LastRetriedTime > acked:
		a.errorf(wf, "lastRetriedTime %d is after the retry was acknowledged at %d", wf.LastRetriedTime, acked)
	}
	again := 0
	for ref, attempts := range byRef {
		for i := range attempts {
			if !byOperator(wf, attempts, i) {
				continue
			}
			again++
			failed, next := attempts[i-1], attempts[i]
			if !retriable(failed.Status) || next.TaskID == failed.TaskID || next.RetriedTaskID != failed.TaskID ||
				next.RetryCount != failed.RetryCount+1 || !failed.Retried {
				a.errorf(wf, "%s: the operator's retry made %s #%d (retrying %q) of %s #%d (%s, retried %v): %s",
					ref, next.TaskID, next.RetryCount, next.RetriedTaskID, failed.TaskID, failed.RetryCount, failed.Status, failed.Retried, taskSummary(wf))
			}
		}
	}
	if again == 0 {
		a.errorf(wf, "retried at %d, yet no task has a new attempt since: %s", wf.LastRetriedTime, taskSummary(wf))
	}
	a.seen["operator retries"]++
}

// retriable reports whether an operator's retry retries a task that ended
// in status st.
func retriable(st string) bool {
	switch st {
	case api.TaskFailed, api.TaskFailedWithTerminalError, api.TaskTimedOut, api.TaskCanceled:
		return true
	}
	return false
}
