package events

import (
	"fmt"

	json "github.com/goccy/go-json"
)

// wire is the JSON form of an Event.
type wire struct {
	ID   int64           `json:"id"`
	Type Type            `json:"type"`
	Time int64           `json:"time"`
	Ref  string          `json:"taskRef,omitempty"`
	Data json.RawMessage `json:"data"`
}

// wireOut is wire for writing: the payload is encoded in the same pass.
type wireOut struct {
	ID   int64  `json:"id"`
	Type Type   `json:"type"`
	Time int64  `json:"time"`
	Ref  string `json:"taskRef,omitempty"`
	Data any    `json:"data"`
}

// MarshalJSON writes {id, type, time, taskRef, data}.
func (e Event) MarshalJSON() ([]byte, error) {
	return json.Marshal(wireOut{ID: e.ID, Type: e.Type, Time: e.Time, Ref: e.Ref, Data: e.Data()})
}

// UnmarshalJSON reads the form MarshalJSON writes.
func (e *Event) UnmarshalJSON(b []byte) error {
	var w wire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = Event{ID: w.ID, Type: w.Type, Time: w.Time, Ref: w.Ref}
	if len(w.Data) == 0 || string(w.Data) == "null" {
		return nil // an event without payload round-trips as one
	}
	var p any
	switch e.Type {
	case WorkflowStarted:
		e.WorkflowStarted = &WorkflowStartedData{}
		p = e.WorkflowStarted
	case TaskScheduled:
		e.TaskScheduled = &TaskScheduledData{}
		p = e.TaskScheduled
	case TaskStarted:
		e.TaskStarted = &TaskStartedData{}
		p = e.TaskStarted
	case TaskUpdated:
		e.TaskUpdated = &TaskUpdatedData{}
		p = e.TaskUpdated
	case WorkflowEnded:
		e.WorkflowEnded = &WorkflowEndedData{}
		p = e.WorkflowEnded
	case FailureWorkflowUpdated:
		e.FailureWorkflowUpdated = &FailureWorkflowUpdatedData{}
		p = e.FailureWorkflowUpdated
	case WorkflowRetried:
		e.WorkflowRetried = &WorkflowRetriedData{}
		p = e.WorkflowRetried
	case WorkflowRestarted:
		e.WorkflowRestarted = &WorkflowRestartedData{}
		p = e.WorkflowRestarted
	case WorkflowRerun:
		e.WorkflowRerun = &WorkflowRerunData{}
		p = e.WorkflowRerun
	case TasksRemoved:
		e.TasksRemoved = &TasksRemovedData{}
		p = e.TasksRemoved
	default:
		return fmt.Errorf("events: unknown type %q", e.Type)
	}
	return json.Unmarshal(w.Data, p)
}
