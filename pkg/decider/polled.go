package decider

import "github.com/legatohq/legato/pkg/api"

// Polled lists the worker tasks of s that are IN_PROGRESS: handed out by
// matching and not yet named by a Result.Release. System tasks are left
// out, as Release leaves them out. s.Def must be set.
func Polled(s *State) []api.Dispatch {
	var out []api.Dispatch
	var dc *decision
	for _, t := range s.Tasks {
		if t.Status != api.TaskInProgress {
			continue
		}
		if dc == nil {
			dc = &decision{s: s}
		}
		if dc.system(t) {
			continue
		}
		out = append(out, api.Dispatch{TaskID: t.ID, WorkflowID: s.WorkflowID, TaskType: t.Type, Domain: t.Domain})
	}
	return out
}
