package decider

import (
	"fmt"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/workflow"
)

// Timeouts besides the response timeout (deadline.go), as upstream:
// a task's timeoutSeconds counts from the attempt's first start and its
// pollTimeoutSeconds from when it became visible to pollers; both follow
// the TaskDef's timeoutPolicy (RETRY, TIME_OUT_WF; ALERT_ONLY tasks carry
// neither, so they never time out). The workflow's timeoutSeconds counts
// from its last resume or retry, else its creation, and only applies with
// timeoutPolicy TIME_OUT_WF.

// timeoutDeadline is when an open task exceeds its timeoutSeconds.
func timeoutDeadline(t *Task) int64 {
	if t.TimeoutSeconds <= 0 || t.FirstStartTime == 0 {
		return 0
	}
	return t.FirstStartTime + t.TimeoutSeconds*1000
}

// pollDeadline is when a SCHEDULED task has waited too long for a poller.
func pollDeadline(t *Task) int64 {
	if t.PollTimeoutSeconds <= 0 || t.Status != api.TaskScheduled {
		return 0
	}
	return pollBase(t) + t.PollTimeoutSeconds*1000
}

// pollBase is when a SCHEDULED task became visible to pollers.
func pollBase(t *Task) int64 {
	return max(t.ScheduledTime, t.DispatchAt)
}

// workflowDeadline is when the workflow times out.
func workflowDeadline(s *State) int64 {
	if s.TimeoutSeconds <= 0 {
		return 0
	}
	return workflowTimeoutBase(s) + s.TimeoutSeconds*1000
}

// workflowTimeoutBase is when the workflow's timeout started counting.
func workflowTimeoutBase(s *State) int64 { return max(s.CreateTime, s.LastRetriedTime) }

// taskTimeouts sets a new attempt's timeouts from its TaskDef.
func taskTimeouts(d *events.TaskScheduledData, wt *workflow.WorkflowTask, td *workflow.TaskDef) {
	if td.TimeoutPolicy == workflow.TimeoutAlertOnly || wt.Type == workflow.TaskTypeSubWorkflow {
		return // a SUB_WORKFLOW lasts as long as its child
	}
	d.TimeoutSeconds = td.TimeoutSeconds
	d.PollTimeoutSeconds = deref(td.PollTimeoutSeconds, 0)
}

// timeoutPolicy is the policy of t's TaskDef (TIME_OUT_WF by default).
func (dc *decision) timeoutPolicy(t *Task) string {
	if wt := dc.defTask(t.Ref); wt != nil {
		if p := taskDef(wt).TimeoutPolicy; p != "" {
			return p
		}
	}
	return workflow.TimeoutWorkflow
}

// timeOutTask times t out under its policy: with RETRY it follows the retry rules, with
// TIME_OUT_WF the workflow times out too.
func (dc *decision) timeOutTask(t *Task, policy, reason string) {
	dc.undispatch(t)
	dc.emit(events.Event{Type: events.TaskUpdated, Ref: t.Ref, TaskUpdated: &events.TaskUpdatedData{
		TaskID: t.ID, Status: api.TaskTimedOut, Reason: reason,
	}})
	if policy == workflow.TimeoutRetry {
		dc.afterTerminal(t)
		return
	}
	dc.cancelOpen()
	dc.end(api.WorkflowTimedOut, reason, dc.s.Output, t)
}

// timeOutWorkflow ends the workflow TIMED_OUT, cancelling its open tasks.
func (dc *decision) timeOutWorkflow() {
	elapsed := dc.now - workflowTimeoutBase(dc.s)
	dc.cancelOpen()
	dc.end(api.WorkflowTimedOut, timeoutReason("Workflow timed out", "Timeout", elapsed, dc.s.TimeoutSeconds, workflow.TimeoutWorkflow), dc.s.Output, nil)
}

// timeoutReason is upstream's message for a timeout.
func timeoutReason(what, limit string, elapsedMs, configured int64, policy string) string {
	return fmt.Sprintf("%s after %d seconds. %s configured as %d seconds. Timeout policy configured to %s",
		what, elapsedMs/1000, limit, configured, policy)
}

// retriesExpired reports whether t's TaskDef totalTimeoutSeconds, counted
// from the first attempt's scheduling, has passed: no more retries.
func (dc *decision) retriesExpired(t *Task, wt *workflow.WorkflowTask) bool {
	total := taskDef(wt).TotalTimeoutSeconds
	if total <= 0 {
		return false
	}
	first := t
	for first.RetriedTaskID != "" {
		prev := dc.s.Task(first.RetriedTaskID)
		if prev == nil {
			break
		}
		first = prev
	}
	return dc.now-first.ScheduledTime >= total*1000
}

// workflowTimeout is the workflow timeout a start records: the
// definition's timeoutSeconds when its policy is TIME_OUT_WF.
func workflowTimeout(def *workflow.WorkflowDef) int64 {
	if def.TimeoutPolicy != workflow.TimeoutWorkflow {
		return 0
	}
	return def.TimeoutSeconds
}
