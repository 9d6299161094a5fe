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
// rerun: its correlation id and task ids.
type prior struct {
	correlationID string
	taskIDs       []string
}

// priorOf notes the state a Decide of in may re-index, or nil when in
// drops no rows.
func priorOf(s *decider.State, in decider.Input) *prior {
	if in.Restart == nil && in.Rerun == nil {
		return nil
	}
	p := &prior{correlationID: s.CorrelationID, taskIDs: make([]string, len(s.Tasks))}
	for i, t := range s.Tasks {
		p.taskIDs[i] = t.ID
	}
	return p
}

// reindex removes the task index rows and logs of the rows the Decide
// dropped, and moves the correlation index to a new correlation id.
func (rb *roundBuilder) reindex(p *prior, s *decider.State) {
	if p == nil {
		return
	}
	b := rb.batch
	kept := make(map[string]bool, len(s.Tasks))
	for _, t := range s.Tasks {
		kept[t.ID] = true
	}
	for _, id := range p.taskIDs {
		if !kept[id] {
			b.DelTaskIndex = append(b.DelTaskIndex, id)
			b.DelTaskLogs = append(b.DelTaskLogs, id)
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
