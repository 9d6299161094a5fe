package history

import (
	"slices"

	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/persistence"
)

// The operator's retry, restart and rerun make an ended workflow running
// again; restart and rerun also drop task rows and may change the
// correlation id. These keep the running, correlation and task indexes
// true.

// prior is what the indexes held for a workflow before a restart or
// rerun: its correlation id and task rows.
type prior struct {
	correlationID string
	tasks         []*decider.Task
}

// priorOf notes the state a Decide of in may re-index, or nil when in
// drops no rows.
func priorOf(s *decider.State, in decider.Input) *prior {
	if in.Restart == nil && in.Rerun == nil {
		return nil
	}
	return &prior{correlationID: s.CorrelationID, tasks: slices.Clone(s.Tasks)}
}

// reindex removes the task index rows and logs of the rows the Decide
// dropped, keeping the rows for notes (a SUB_WORKFLOW cancelled earlier in
// the round still has its child terminated), and moves the correlation
// index to a new correlation id.
func (rb *roundBuilder) reindex(p *prior, s *decider.State) {
	if p == nil {
		return
	}
	b := rb.batch
	kept := make(map[string]bool, len(s.Tasks))
	for _, t := range s.Tasks {
		kept[t.ID] = true
	}
	for _, t := range p.tasks {
		if !kept[t.ID] {
			b.DelTaskIndex = append(b.DelTaskIndex, t.ID)
			b.DelTaskLogs = append(b.DelTaskLogs, t.ID)
			if rb.dropped == nil {
				rb.dropped = map[string]*decider.Task{}
			}
			rb.dropped[t.ID] = t
		}
	}
	if p.correlationID != s.CorrelationID {
		if p.correlationID != "" {
			b.DelCorrelation = append(b.DelCorrelation, persistence.WorkflowIndex{Name: s.Name, Version: s.Version, Key: p.correlationID, WorkflowID: s.WorkflowID})
		}
		b.PutCorrelation = append(b.PutCorrelation, persistence.WorkflowIndex{Name: s.Name, Version: s.Version, Key: s.CorrelationID, WorkflowID: s.WorkflowID})
	}
}

// running puts a reopened workflow back in the running index. A batch
// applies deletions after puts, so a deletion of the same row this round
// (the workflow ended earlier in the round) is dropped first.
func (rb *roundBuilder) running(s *decider.State) {
	b := rb.batch
	ix := persistence.WorkflowIndex{Name: s.Name, Version: s.Version, WorkflowID: s.WorkflowID}
	b.DelRunning = slices.DeleteFunc(b.DelRunning, func(d persistence.WorkflowIndex) bool { return d == ix })
	b.PutRunning = append(b.PutRunning, ix)
}
