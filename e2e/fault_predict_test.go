package e2e

import "github.com/legatohq/legato/pkg/api"

// The model of TestFaultInjection's shapes: how a workflow ends when its
// workers follow its plan and no kill gets in the way.

// predict is how a workflow of shape s ends when its workers follow the
// plan in input and nothing is lost to a crash: its status and the number
// of attempts of each ref whose count the plan fixes. Refs of a failed fork
// that may have been cancelled mid-way are left out, and so is the status
// when the failed tasks disagree.
func (s *faultShape) predict(input map[string]any) (string, map[string]int) {
	counts := map[string]int{}
	status := api.WorkflowCompleted
	for _, step := range s.steps {
		if status != api.WorkflowCompleted {
			for _, fr := range step {
				counts[fr.ref] = 0
			}
			continue
		}
		ends := map[string]bool{}
		ok := map[string]int{}
		for _, fr := range step {
			n, end := s.simulate(fr, input[fr.ref])
			if fr.policy.gated {
				n = -1 // its attempts before the gate opened are not planned
			}
			if end == api.WorkflowCompleted {
				ok[fr.ref] = n
			} else {
				counts[fr.ref] = n
				ends[end] = true
			}
		}
		switch len(ends) {
		case 0:
			for ref, n := range ok {
				counts[ref] = n
			}
		case 1:
			for end := range ends {
				status = end
			}
		default:
			status = ""
		}
	}
	return status, counts
}

// simulate runs the plan of one ref through its retry and timeout
// policies (and the shape's operator retry, once): how many attempts it
// takes and the workflow status its outcome calls for.
func (s *faultShape) simulate(fr faultRef, plan any) (int, string) {
	retried := false
	var elapsed int64 // seconds since the first attempt, counting timeouts only
	for i := 0; ; i++ {
		act := planned(plan, i)
		st, end := attemptStatus(act), ""
		if act == actKeepAlive {
			elapsed += fr.policy.timeout
		}
		switch {
		case st == api.TaskCompleted:
			return i + 1, api.WorkflowCompleted
		case act == actCrash && s.timeout > 0 && fr.policy.responseTimeout >= s.timeout:
			return i + 1, api.WorkflowTimedOut // the workflow times out first
		case act == actKeepAlive && fr.policy.timesOutWorkflow():
			end = api.WorkflowTimedOut
		case fr.optional && (st == api.TaskFailedWithTerminalError || i == fr.policy.retries):
			return i + 1, api.WorkflowCompleted
		case st == api.TaskFailedWithTerminalError:
			end = api.WorkflowFailed
		case (i >= fr.policy.retries || fr.policy.total > 0 && elapsed >= fr.policy.total) && st == api.TaskTimedOut:
			end = api.WorkflowTimedOut
		case i >= fr.policy.retries:
			end = api.WorkflowFailed
		}
		if end == "" {
			continue
		}
		if s.operatorRetry && !retried {
			retried = true
			continue
		}
		return i + 1, end
	}
}
