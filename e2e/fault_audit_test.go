package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/client"
)

// faultAudit holds terminal fault workflows to their shapes and to what the
// workers did. seen counts how often each check found something to check,
// so that the test can insist every check ran.
type faultAudit struct {
	t     *testing.T
	got   map[string]delivery
	kills []int64 // epoch ms of each kill -9
	ups   []int64 // epoch ms when the server answered again after each kill
	seen  map[string]int
	// retried is when the server acknowledged each operator retry
	// (0: a retry was sent, its answer lost in a kill).
	retried map[string]int64
}

// killedSoonAfter reports whether the server was killed within a few
// seconds after at (epoch ms), i.e. before the answer of a poll it
// committed at could get out.
func (a *faultAudit) killedSoonAfter(at int64) bool {
	for _, k := range a.kills {
		if k >= at && k-at < 5000 {
			return true
		}
	}
	return false
}

// killedDuring reports whether the server was killed between from and to
// (epoch ms).
func (a *faultAudit) killedDuring(from, to int64) bool {
	for _, k := range a.kills {
		if k >= from && k <= to {
			return true
		}
	}
	return false
}

func (a *faultAudit) errorf(wf *api.Workflow, format string, args ...any) {
	a.t.Helper()
	a.t.Errorf("workflow %s (%s, input %v): %s", wf.WorkflowID, wf.WorkflowName, wf.Input, fmt.Sprintf(format, args...))
}

// checkScheduled is the liveness invariant at one moment: a RUNNING
// workflow has an open task (scheduled, on a worker or waiting on a timer)
// that will move it on. It returns how many were RUNNING.
func checkScheduled(t *testing.T, ctx context.Context, c *client.Client, ids []string) (running int) {
	t.Helper()
	for _, id := range ids {
		wf, err := c.Workflow(ctx, id, true)
		if err != nil {
			t.Fatalf("workflow %s: %v", id, err)
		}
		if wf.Status == api.WorkflowPaused {
			t.Errorf("workflow %s is PAUSED; nothing paused it", id)
		}
		if wf.Status != api.WorkflowRunning {
			continue
		}
		running++
		open := false
		for _, task := range wf.Tasks {
			open = open || !api.TaskTerminal(task.Status)
		}
		if !open {
			t.Errorf("workflow %s is RUNNING with nothing scheduled: %s", id, taskSummary(wf))
		}
	}
	return running
}

func taskSummary(wf *api.Workflow) string {
	var b strings.Builder
	for _, task := range wf.Tasks {
		fmt.Fprintf(&b, "[%s #%d %s retried=%v] ", task.ReferenceTaskName, task.RetryCount, task.Status, task.Retried)
	}
	return b.String()
}

// workflow audits one terminal workflow of shape s.
func (a *faultAudit) workflow(s *faultShape, wf *api.Workflow) {
	a.t.Helper()
	byRef := map[string][]*api.Task{}
	for _, task := range wf.Tasks {
		byRef[task.ReferenceTaskName] = append(byRef[task.ReferenceTaskName], task)
		if task.OutputData["late"] != nil {
			a.errorf(wf, "task %s took a result posted after its response timeout: %v", task.TaskID, task.OutputData)
		}
	}
	if s.wait {
		a.wait(wf, byRef["wait"])
	}
	workers := map[string]bool{}
	for _, step := range s.steps {
		for _, fr := range step {
			workers[fr.ref] = true
		}
	}
	for _, task := range wf.Tasks {
		// The WAIT, FORK and JOIN rows: done when the workflow completed,
		// ended with it otherwise.
		if !workers[task.ReferenceTaskName] && (!api.TaskTerminal(task.Status) ||
			wf.Status == api.WorkflowCompleted && task.Status != api.TaskCompleted) {
			a.errorf(wf, "%s (%s) is %s in a %s workflow", task.ReferenceTaskName, task.TaskType, task.Status, wf.Status)
		}
	}
	anomalous, failedStep := false, -1
	failures := map[string]bool{} // workflow statuses the failed tasks call for
	for i, step := range s.steps {
		for _, fr := range step {
			attempts := byRef[fr.ref]
			if failedStep >= 0 && failedStep < i {
				if len(attempts) > 0 {
					a.errorf(wf, "%s ran after an earlier step failed: %s", fr.ref, taskSummary(wf))
				}
				continue
			}
			if len(attempts) == 0 {
				a.errorf(wf, "%s never scheduled: %s", fr.ref, taskSummary(wf))
				continue
			}
			anomalous = a.chain(wf, fr, attempts) || anomalous
			switch last := attempts[len(attempts)-1]; last.Status {
			case api.TaskCompleted, api.TaskCompletedWithErrors:
				continue
			case api.TaskTimedOut:
				failures[api.WorkflowTimedOut] = true
			case api.TaskFailed, api.TaskFailedWithTerminalError:
				failures[api.WorkflowFailed] = true
			}
			// This step failed (or was cancelled when a sibling failed).
			failedStep = i
		}
	}
	wfTimedOut := a.workflowTimeout(s, wf)
	a.operatorRetry(s, wf, byRef)
	switch {
	case wfTimedOut:
		// Whatever was open was cancelled: no task failure to explain it.
	case failedStep < 0 && wf.Status != api.WorkflowCompleted:
		a.errorf(wf, "every task succeeded but the workflow is %s (%s): %s", wf.Status, wf.ReasonForIncompletion, taskSummary(wf))
	case failedStep >= 0 && !failures[wf.Status]:
		a.errorf(wf, "workflow is %s but its failed tasks call for %v: %s", wf.Status, failures, taskSummary(wf))
	}
	a.seen["workflow "+wf.Status]++
	if anomalous {
		a.seen["workflows touched by a crash"]++
		return
	}
	if a.lateTotalStop(s, byRef) {
		a.seen["retries stopped by totalTimeoutSeconds after a late first poll"]++
		return
	}
	// Nothing was lost to a crash: the plan alone says how it ends.
	status, counts := s.predict(wf.Input)
	if status != "" && wf.Status != status {
		a.errorf(wf, "the plan says %s, the workflow is %s: %s", status, wf.Status, taskSummary(wf))
	}
	for ref, n := range counts {
		if n >= 0 && len(byRef[ref]) != n {
			a.errorf(wf, "the plan says %d attempts of %s, the server made %d: %s", n, ref, len(byRef[ref]), taskSummary(wf))
		}
	}
	a.seen["workflows checked against their plan"]++
}

// chain checks the attempts of one ref: a retriedTaskId chain with one
// attempt per retryCount, retried only after FAILED or TIMED_OUT and only
// as often and as late as the retry policy allows, ending in a status the
// policy explains. It reports whether a crash touched the chain.
func (a *faultAudit) chain(wf *api.Workflow, fr faultRef, attempts []*api.Task) (anomalous bool) {
	last := len(attempts) - 1
	if fr.policy.gated {
		if first := attempts[0]; first.Status != api.TaskTimedOut || !strings.HasPrefix(first.ReasonForIncompletion, pollTimedOut) {
			a.errorf(wf, "%s: the first attempt of a type nobody polled yet is %s (%q), not poll-timed-out: %s",
				fr.ref, first.Status, first.ReasonForIncompletion, taskSummary(wf))
		}
		a.seen["first attempts that waited for a poller in vain"]++
	}
	for i, task := range attempts {
		if task.RetryCount != i || task.Retried != (i < last) {
			a.errorf(wf, "%s attempt %d: retryCount %d, retried %v: %s", fr.ref, i, task.RetryCount, task.Retried, taskSummary(wf))
		}
		want := ""
		if i > 0 {
			want = attempts[i-1].TaskID
			delay := fr.policy.retryDelay(i - 1)
			if byOperator(wf, attempts, i) {
				delay = 0 // an operator's retry runs at once
			}
			if task.StartTime > 0 && task.StartTime < task.ScheduledTime+delay {
				a.errorf(wf, "%s attempt %d started %d ms after it was scheduled, before its %d ms retry delay",
					fr.ref, i, task.StartTime-task.ScheduledTime, delay)
			}
			if delay > 0 && task.StartTime > 0 {
				a.seen["retry delays"]++
			}
		}
		if task.RetriedTaskID != want {
			a.errorf(wf, "%s attempt %d: retriedTaskId %q, want %q", fr.ref, i, task.RetriedTaskID, want)
		}
		if p := fr.policy; i < last && p.total > 0 && task.EndTime-attempts[0].ScheduledTime >= p.total*1000 {
			a.errorf(wf, "%s attempt %d was retried %d ms after the first was scheduled; totalTimeoutSeconds is %d: %s",
				fr.ref, i, task.EndTime-attempts[0].ScheduledTime, p.total, taskSummary(wf))
		}
		if i < last && fr.policy.timesOutWorkflow() && strings.HasPrefix(task.ReasonForIncompletion, taskTimedOut) {
			a.errorf(wf, "%s attempt %d was retried after %q: %s", fr.ref, i, task.ReasonForIncompletion, taskSummary(wf))
		}
		if i < last && !byOperator(wf, attempts, i+1) &&
			(task.Status != api.TaskFailed && task.Status != api.TaskTimedOut || i >= fr.policy.retries) {
			a.errorf(wf, "%s attempt %d (%s) was retried; retryCount is %d: %s", fr.ref, i, task.Status, fr.policy.retries, taskSummary(wf))
		}
		anomalous = a.attempt(wf, fr, task, i == last) || anomalous
	}
	exhausted := last >= fr.policy.retries
	end := attempts[last]
	if end.Status == api.TaskTimedOut && fr.policy.timesOutWorkflow() && strings.HasPrefix(end.ReasonForIncompletion, taskTimedOut) {
		// TIME_OUT_WF: no retry, the workflow times out with the task.
		if wf.Status != api.WorkflowTimedOut || wf.ReasonForIncompletion != end.ReasonForIncompletion {
			a.errorf(wf, "%s timed out with policy TIME_OUT_WF (%q); the workflow is %s (%q)",
				fr.ref, end.ReasonForIncompletion, wf.Status, wf.ReasonForIncompletion)
		}
		a.seen["task timeouts that timed the workflow out"]++
		return anomalous
	}
	switch end.Status {
	case api.TaskCompleted:
	case api.TaskCompletedWithErrors:
		if !fr.optional || !exhausted && a.got[end.TaskID].action != actTerminal {
			a.errorf(wf, "%s ended COMPLETED_WITH_ERRORS (optional %v) after %d attempts: %s", fr.ref, fr.optional, last+1, taskSummary(wf))
		}
		a.seen["optional failures"]++
	case api.TaskFailedWithTerminalError:
		a.seen["terminal errors"]++
	case api.TaskFailed, api.TaskTimedOut:
		if p := fr.policy; !exhausted && p.total > 0 && end.EndTime-attempts[0].ScheduledTime >= p.total*1000 {
			a.seen["retries stopped by totalTimeoutSeconds"]++
			break
		}
		if !exhausted || fr.optional {
			a.errorf(wf, "%s ended %s with retries left or while optional: %s", fr.ref, end.Status, taskSummary(wf))
		}
		a.seen["retries exhausted"]++
	case api.TaskCanceled:
		if wf.Status == api.WorkflowCompleted {
			a.errorf(wf, "%s was cancelled in a completed workflow", fr.ref)
		}
		a.seen["cancelled with the workflow"]++
	default:
		a.errorf(wf, "%s left %s in a %s workflow", fr.ref, end.Status, wf.Status)
	}
	return anomalous
}

// attempt checks one attempt against what its worker did. An attempt that
// never reached a worker must have started just before a kill (its poll's
// answer was lost) and timed out; one whose result arrived only after its
// response timeout (the server was down, or the machine slow) may have
// timed out. Both count as touched by a crash.
func (a *faultAudit) attempt(wf *api.Workflow, fr faultRef, task *api.Task, last bool) (anomalous bool) {
	status := task.Status
	if fr.optional && last && status == api.TaskCompletedWithErrors {
		status = "" // a failure of some kind, turned into success
	}
	timeout := ""
	if task.Status == api.TaskTimedOut {
		timeout = a.timeoutKind(wf, fr, task)
	}
	canceled := task.Status == api.TaskCanceled && last && wf.Status != api.WorkflowCompleted
	d, delivered := a.got[task.TaskID]
	if delivered && timeout == pollTimedOut {
		a.errorf(wf, "%s attempt %d reached a worker, yet it timed out waiting for a poll", fr.ref, task.RetryCount)
	}
	if !delivered {
		switch {
		case timeout == pollTimedOut:
			a.seen["poll timeouts"]++
			return false
		case task.StartTime > 0 && (task.Status == api.TaskTimedOut || status == "" || canceled) && a.killedSoonAfter(task.StartTime):
			a.seen["attempts lost in a kill"]++
			return true
		case canceled && task.StartTime == 0:
			return false
		}
		a.errorf(wf, "%s attempt %d never reached a worker, yet it is %s (started at %d; kills at %v)", fr.ref, task.RetryCount, task.Status, task.StartTime, a.kills)
		return false
	}
	if d.workflowID != wf.WorkflowID {
		a.errorf(wf, "task %s was delivered as part of workflow %s", task.TaskID, d.workflowID)
	}
	if len(d.errs) > 0 {
		a.errorf(wf, "%s attempt %d: the server refused results: %v", fr.ref, task.RetryCount, d.errs)
	}
	if d.action == actKeepAlive && timeout != taskTimedOut && task.Status == api.TaskTimedOut {
		if !a.killedDuring(task.FirstStartTime, task.EndTime) {
			a.errorf(wf, "%s attempt %d: its worker kept it alive, yet it timed out with %q", fr.ref, task.RetryCount, task.ReasonForIncompletion)
		}
		return true // the heartbeats stopped while the server was down
	}
	if d.action == actKeepAlive && d.polls > len(d.acks)+1 {
		a.errorf(wf, "%s attempt %d (%s) reached workers %d times after %d acknowledged results",
			fr.ref, task.RetryCount, d.action, d.polls, len(d.acks))
	}
	want := attemptStatus(d.action)
	ackedBeforeEnd := len(d.acks) > 0 && d.acks[0] < task.EndTime
	switch {
	case status == want || status == "" && want != api.TaskCompleted:
		if want == api.TaskCompleted && task.OutputData["by"] != task.TaskID {
			a.errorf(wf, "%s attempt %d completed with output %v, not its worker's", fr.ref, task.RetryCount, task.OutputData)
		}
		if posts := map[string]int{actDup: 2, actDupFail: 2, actLate: 1}[d.action]; posts > 0 && len(d.acks) != posts {
			a.errorf(wf, "%s attempt %d (%s): %d of %d results acknowledged", fr.ref, task.RetryCount, d.action, len(d.acks), posts)
		}
		if d.action == actKeepAlive {
			a.seen["heartbeats"] += len(d.acks)
		}
		a.seen["attempts that did "+d.action]++
		return false
	case (task.Status == api.TaskTimedOut || status == "") && !ackedBeforeEnd:
		a.seen["results that came after a timeout during a kill"]++
		return true
	case canceled && !ackedBeforeEnd:
		return false
	}
	a.errorf(wf, "%s attempt %d: its worker did %q (acknowledged at %v), yet it ended %s at %d",
		fr.ref, task.RetryCount, d.action, d.acks, task.Status, task.EndTime)
	return false
}

// wait checks the WAIT task: completed by its timer, not before it was due.
func (a *faultAudit) wait(wf *api.Workflow, rows []*api.Task) {
	secs, err := strconv.Atoi(strings.TrimSuffix(fmt.Sprint(wf.Input["wait"]), "s"))
	if err != nil || len(rows) != 1 {
		a.errorf(wf, "wait %v: %d WAIT rows (%v)", wf.Input["wait"], len(rows), err)
		return
	}
	w := rows[0]
	if w.Status != api.TaskCompleted || w.StartTime == 0 || w.EndTime < w.StartTime+int64(secs)*1000 {
		a.errorf(wf, "WAIT %ds: %s, started %d, ended %d", secs, w.Status, w.StartTime, w.EndTime)
	}
	a.seen["waits"]++
}

// lateTotalStop reports a totalTimeoutSeconds stop the plan cannot foresee:
// the plan counts only the timeouts' lengths, but the engine counts from
// the first attempt's scheduling, so a first poll a second late (a loaded
// machine) ends the retries an attempt sooner. It is excused only when the
// stop is exactly the rule's: the last attempt timed out at least
// totalTimeoutSeconds after the first was scheduled.
func (a *faultAudit) lateTotalStop(s *faultShape, byRef map[string][]*api.Task) bool {
	for _, step := range s.steps {
		for _, fr := range step {
			attempts := byRef[fr.ref]
			if fr.policy.total == 0 || len(attempts) == 0 {
				continue
			}
			first, last := attempts[0], attempts[len(attempts)-1]
			if last.Status == api.TaskTimedOut && first.StartTime-first.ScheduledTime >= 1000 &&
				last.EndTime-first.ScheduledTime >= fr.policy.total*1000 {
				return true
			}
		}
	}
	return false
}
