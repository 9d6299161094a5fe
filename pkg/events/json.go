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

// MarshalJSON writes {id, type, time, taskRef, data}.
func (e Event) MarshalJSON() ([]byte, error) {
	data, err := json.Marshal(e.Data())
	if err != nil {
		return nil, err
	}
	return json.Marshal(wire{ID: e.ID, Type: e.Type, Time: e.Time, Ref: e.Ref, Data: data})
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
	case TasksRemoved:
		e.TasksRemoved = &TasksRemovedData{}
		p = e.TasksRemoved
	default:
		return fmt.Errorf("events: unknown type %q", e.Type)
	}
	return json.Unmarshal(w.Data, p)
}
