package events

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestJSONRoundTrip(t *testing.T) {
	in := []Event{
		{ID: 1, Type: WorkflowStarted, Time: 5, WorkflowStarted: &WorkflowStartedData{WorkflowID: "w", Name: "n", Version: 2, DefHash: "h", Input: map[string]any{"a": 1.0}}},
		{ID: 2, Type: TaskScheduled, Time: 6, Ref: "r", TaskScheduled: &TaskScheduledData{TaskID: "t", TaskType: "x", Seq: 1}},
		{ID: 3, Type: TaskStarted, Time: 7, Ref: "r", TaskStarted: &TaskStartedData{TaskID: "t", WorkerID: "w1"}},
		{ID: 4, Type: TaskUpdated, Time: 8, Ref: "r", TaskUpdated: &TaskUpdatedData{TaskID: "t", Status: "COMPLETED", Output: map[string]any{"o": "v"}}},
		{ID: 5, Type: TasksRemoved, Time: 9, Ref: "loop", TasksRemoved: &TasksRemovedData{TaskIDs: []string{"t"}}},
		{ID: 6, Type: WorkflowEnded, Time: 9, WorkflowEnded: &WorkflowEndedData{Status: "COMPLETED"}},
		{ID: 7, Type: WorkflowRetried, Time: 10, WorkflowRetried: &WorkflowRetriedData{Reopen: []string{"j"}}},
		{ID: 8, Type: WorkflowRestarted, Time: 11, WorkflowRestarted: &WorkflowRestartedData{Name: "n", Version: 3, DefHash: "h2", CorrelationID: "c"}},
		{ID: 9, Type: WorkflowRerun, Time: 12, WorkflowRerun: &WorkflowRerunData{TaskID: "t", Input: map[string]any{"b": "x"}}},
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out []Event
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip changed events:\n%s", b)
	}
	var rows []map[string]any
	json.Unmarshal(b, &rows)
	if rows[1]["taskRef"] != "r" || rows[1]["data"].(map[string]any)["taskId"] != "t" {
		t.Fatalf("wire form: %s", b)
	}
	if err := json.Unmarshal([]byte(`{"id":1,"type":"Nope","data":{}}`), &Event{}); err == nil {
		t.Fatal("unknown type decoded without error")
	}
}
