package decider

import (
	"fmt"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/workflow"
)

// The operator's restart of an ended workflow (event WorkflowRestarted):
// same workflow id and input, every task row dropped, run again from the
// first task — with the latest definition when the caller resolved one.

// Restart starts an ended workflow over. Def and DefHash, when set, are
// the definition snapshot to run from now on (useLatestDefinitions);
// otherwise the workflow keeps its own.
type Restart struct {
	Def     *workflow.WorkflowDef
	DefHash string
}

func (dc *decision) restart(r *Restart) error {
	if err := dc.ended("restarted"); err != nil {
		return err
	}
	if dc.s.Status == api.WorkflowCompleted && dc.s.Def.Restartable != nil && !*dc.s.Def.Restartable {
		return fmt.Errorf("%w: workflow %s is COMPLETED and its definition is not restartable", ErrConflict, dc.s.WorkflowID)
	}
	def, hash := dc.s.Def, dc.s.DefHash
	if r.Def != nil {
		def, hash = r.Def, r.DefHash
	}
	dc.startOver(def, hash, nil, "")
	return nil
}

// ended refuses a command that needs an ended workflow.
func (dc *decision) ended(verb string) error {
	if !api.WorkflowTerminal(dc.s.Status) {
		return fmt.Errorf("%w: workflow %s is %s; only an ended workflow can be %s", ErrConflict, dc.s.WorkflowID, dc.s.Status, verb)
	}
	return nil
}

// startOver drops every row and runs def from its first task; input and
// correlationID replace the workflow's when set.
func (dc *decision) startOver(def *workflow.WorkflowDef, hash string, input map[string]any, correlationID string) {
	dc.s.Def, dc.g = def, nil
	dc.emit(events.Event{Type: events.WorkflowRestarted, WorkflowRestarted: &events.WorkflowRestartedData{
		Name: def.Name, Version: def.Version, DefHash: hash, Input: input, CorrelationID: correlationID,
		Variables: copyMap(def.Variables), TimeoutSeconds: workflowTimeout(def),
	}})
	if first := workflow.First(def.Tasks); first != nil {
		dc.schedule(first, nil, 0)
	}
}
