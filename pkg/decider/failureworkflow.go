package decider

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/workflow"
)

// A workflow the engine ends FAILED, TIMED_OUT or TERMINATED (a task's
// failure, a timeout, a TERMINATE task; not an operator's terminate)
// starts its definition's failureWorkflow. The decider cannot start it
// itself: it names it, with an id derived from the workflow's, in the
// WorkflowEnded event, and the history service starts it after the commit
// and reports back (Input.FailureWorkflowStarted). Until then the failed
// workflow keeps a deadline, so a start lost in a crash is tried again.

// FailureWorkflowKey is the failed workflow's output key that holds its
// failure workflow's id (or why it could not start), as upstream.
const FailureWorkflowKey = "conductor.failure_workflow"

// failureWorkflowRetry is how long (ms) a start may take before the
// failed workflow's deadline asks for it again.
const failureWorkflowRetry = 30_000

// FailureWorkflowStarted reports the start of a failed workflow's failure
// workflow; Error, if set, says why it could not be started.
type FailureWorkflowStarted struct {
	Error string
}

// withFailureWorkflow names the failure workflow in d, an end the engine
// decided, if the definition has one.
func (dc *decision) withFailureWorkflow(d *events.WorkflowEndedData) {
	switch d.Status {
	case api.WorkflowFailed, api.WorkflowTimedOut, api.WorkflowTerminated:
	default:
		return
	}
	if dc.byOperator || dc.s.Def == nil {
		return
	}
	name := failureWorkflowName(dc.s.Def, dc.s.Input)
	if name == "" {
		return
	}
	// The end's event id keeps the id fresh if a retried workflow fails again.
	id := uuid.NewSHA1(uuid.NameSpaceURL, []byte(dc.s.WorkflowID+"/failureWorkflow/"+strconv.FormatInt(dc.s.LastEventID+1, 10))).String()
	d.FailureWorkflow = &events.FailureWorkflowRef{ID: id, Name: name, Version: deref(dc.s.Def.FailureWorkflowVersion, 0)}
	out := copyMap(d.Output)
	if out == nil {
		out = map[string]any{}
	}
	out[FailureWorkflowKey] = id
	d.Output = out
}

// failureWorkflowName is the definition's failureWorkflow: a literal name,
// or "$workflow.input.key" read from the input, as upstream.
func failureWorkflowName(def *workflow.WorkflowDef, input map[string]any) string {
	name := def.FailureWorkflow
	if !strings.HasPrefix(name, "$") {
		return name
	}
	parts := strings.Split(name, ".")
	if len(parts) < 3 {
		return ""
	}
	v, _ := input[parts[2]].(string)
	return v
}

// failureWorkflowStarted records the outcome of the start.
func (dc *decision) failureWorkflowStarted(in *FailureWorkflowStarted) error {
	f := dc.s.FailureWorkflow
	if f == nil || !f.Pending {
		return nil // recorded already: a repeated report
	}
	dc.emit(events.Event{Type: events.FailureWorkflowUpdated, FailureWorkflowUpdated: &events.FailureWorkflowUpdatedData{
		Started: true, Error: in.Error,
	}})
	return nil
}

// retryFailureWorkflow moves a pending start's deadline on when it is due;
// the history service starts it again on seeing the event.
func (dc *decision) retryFailureWorkflow() {
	if f := dc.s.FailureWorkflow; f != nil && f.Pending && f.RetryAt <= dc.now {
		dc.emit(events.Event{Type: events.FailureWorkflowUpdated, FailureWorkflowUpdated: &events.FailureWorkflowUpdatedData{
			RetryAt: dc.now + failureWorkflowRetry,
		}})
	}
}

// applyFailureWorkflow folds a FailureWorkflowUpdated event.
func applyFailureWorkflow(s *State, e *events.Event) error {
	f, d := s.FailureWorkflow, e.FailureWorkflowUpdated
	if f == nil || d == nil {
		return fmt.Errorf("%w: failure workflow update without a failure workflow", ErrCorrupt)
	}
	if !d.Started {
		f.RetryAt = d.RetryAt
		return nil
	}
	f.Pending, f.RetryAt = false, 0
	if d.Error != "" {
		// A new map: the old one is the WorkflowEnded event's payload.
		out := copyMap(s.Output)
		if out == nil {
			out = map[string]any{}
		}
		out[FailureWorkflowKey] = "Error workflow " + f.Name + " failed to start. reason: " + d.Error
		s.Output = out
	}
	return nil
}
