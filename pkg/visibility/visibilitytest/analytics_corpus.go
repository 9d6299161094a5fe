package visibilitytest

import (
	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/visibility"
)

// h0 is 2023-11-14T22:00:00Z, the hour t0 falls in; the analytics corpus
// starts its workflows in the hours h0, h0+2h and h0+3h (h0+1h is empty).
// h0+2h is 2023-11-15T00:00:00Z, so daily buckets split the corpus too.
const (
	hour   = 3600000
	minute = 60000
	h0     = t0 / hour * hour
)

// ended is a workflow that ran from start for dur ms.
func ended(id, typ, status string, start, dur int64, reason string) api.WorkflowSummary {
	w := running(id, typ, start)
	w.Status, w.EndTime, w.ExecutionTime, w.DurationMs = status, start+dur, dur, dur
	w.UpdateTime = w.EndTime
	w.ReasonForIncompletion, w.FailureReason = reason, reason
	return w
}

func running(id, typ string, start int64) api.WorkflowSummary {
	return api.WorkflowSummary{WorkflowID: id, WorkflowType: typ, Version: 1, Status: "RUNNING",
		StartTime: start, UpdateTime: start, EventVersion: 1}
}

// attempt is a task of w scheduled at w's start, started after queue ms
// (never if queue < 0) and ended exec ms later (never if exec < 0).
func attempt(id string, w api.WorkflowSummary, typ, def, status string, queue, exec int64, reason string) api.TaskSummary {
	t := api.TaskSummary{TaskID: id, WorkflowID: w.WorkflowID, WorkflowType: w.WorkflowType, TaskType: typ, TaskDefName: def,
		ReferenceTaskName: def, Status: status, ScheduledTime: w.StartTime, UpdateTime: w.StartTime, WorkflowStartTime: w.StartTime,
		ReasonForIncompletion: reason, FailureReason: reason, EventVersion: 1}
	if queue >= 0 {
		t.StartTime, t.QueueWaitTime = w.StartTime+queue, queue
		t.UpdateTime = t.StartTime
	}
	if exec >= 0 {
		t.EndTime, t.ExecutionTime = t.StartTime+exec, exec
		t.UpdateTime = t.EndTime
	}
	return t
}

// analyticsCorpus: ten workflows of types order, pay and ship, and ten
// tasks. Per hour and status:
//
//	h0:    COMPLETED a1 a2, FAILED a3 b1
//	h0+1h: none
//	h0+2h: COMPLETED a4, TIMED_OUT b2, RUNNING b3, TERMINATED c1
//	h0+3h: FAILED a5 b4
//
// Durations: order 100..500 (a1..a5), pay 50 70 1000 (b1 b4 b2), ship 0
// (c1, ended within its start's millisecond). Failure reasons: card
// declined (a3 a5 order, b1 pay), timed out (b2), gateway <n>
// unreachable (b4); c1's is a termination's, not a failure's.
//
// Tasks (queue wait, execution): SIMPLE charge t1 (10, 90), t2 (20,
// 110), t3 (30, 130, FAILED card declined), t8 (50, 150, TIMED_OUT timed
// out); SIMPLE refund t9 (60, 70, COMPLETED with a reason); SIMPLE ship
// t6 (never started), t7 (40, running); HTTP notify t4 (5, 1000), t5
// (15, 2000, FAILED_WITH_TERMINAL_ERROR http <n>), t10 (25, 3000, FAILED
// card declined). a1 and a5 have "vip" in their input.
func analyticsCorpus() *visibility.Batch {
	a1 := ended("a1", "order", "COMPLETED", h0+10*minute, 100, "")
	a1.Input = `{"tier":"vip"}`
	a2 := ended("a2", "order", "COMPLETED", h0+20*minute, 200, "")
	a3 := ended("a3", "order", "FAILED", h0+30*minute, 300, "card declined")
	a4 := ended("a4", "order", "COMPLETED", h0+2*hour+5*minute, 400, "")
	a5 := ended("a5", "order", "FAILED", h0+3*hour+5*minute, 500, "card declined")
	a5.Input = `{"tier":"vip"}`
	b1 := ended("b1", "pay", "FAILED", h0+40*minute, 50, "card declined")
	b2 := ended("b2", "pay", "TIMED_OUT", h0+2*hour+10*minute, 1000, "timed out")
	b3 := running("b3", "pay", h0+2*hour+20*minute)
	b4 := ended("b4", "pay", "FAILED", h0+3*hour+30*minute, 70, "gateway <n> unreachable")
	c1 := ended("c1", "ship", "TERMINATED", h0+2*hour+30*minute, 0, "terminated by user")
	return &visibility.Batch{
		Workflows: []api.WorkflowSummary{a1, a2, a3, a4, a5, b1, b2, b3, b4, c1},
		Tasks: []api.TaskSummary{
			attempt("t1", a1, "SIMPLE", "charge", "COMPLETED", 10, 90, ""),
			attempt("t2", a2, "SIMPLE", "charge", "COMPLETED", 20, 110, ""),
			attempt("t3", a3, "SIMPLE", "charge", "FAILED", 30, 130, "card declined"),
			attempt("t4", a1, "HTTP", "notify", "COMPLETED", 5, 1000, ""),
			attempt("t5", a4, "HTTP", "notify", "FAILED_WITH_TERMINAL_ERROR", 15, 2000, "http <n>"),
			attempt("t6", b3, "SIMPLE", "ship", "SCHEDULED", -1, -1, ""),
			attempt("t7", b3, "SIMPLE", "ship", "IN_PROGRESS", 40, -1, ""),
			attempt("t8", a5, "SIMPLE", "charge", "TIMED_OUT", 50, 150, "timed out"),
			attempt("t9", a4, "SIMPLE", "refund", "COMPLETED", 60, 70, "retried ok"),
			attempt("t10", b4, "HTTP", "notify", "FAILED", 25, 3000, "card declined"),
		},
	}
}
