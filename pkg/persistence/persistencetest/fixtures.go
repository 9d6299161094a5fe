package persistencetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/persistence"
)

// commit commits b and fails the test if it is not acknowledged.
func commit(t *testing.T, s persistence.ExecutionStore, b *persistence.Batch) {
	t.Helper()
	if err := s.Commit(t.Context(), b); err != nil {
		t.Fatalf("Commit(shard %d): %v", b.Shard, err)
	}
}

// equal fails the test if got and want differ. Nil and empty slices are
// equal: the interfaces do not tell them apart.
func equal(t *testing.T, what string, got, want any) {
	t.Helper()
	if isEmpty(got) && isEmpty(want) {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %s\n want %s", what, show(got), show(want))
	}
}

func isEmpty(v any) bool {
	r := reflect.ValueOf(v)
	return r.Kind() == reflect.Slice && r.Len() == 0
}

// show renders v as JSON so that pointers print as values.
func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%#v", v)
	}
	return string(b)
}

// notFound fails the test unless err wraps persistence.ErrNotFound.
func notFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, persistence.ErrNotFound) {
		t.Errorf("%s: err = %v, want one wrapping persistence.ErrNotFound", what, err)
	}
}

// sameIDs compares workflow id lists as sets: index order is unspecified.
func sameIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	equal(t, what, sortedIDs(got), sortedIDs(want))
}

func sortedIDs(ids []string) []string {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return ids
}

// sortDispatches orders dispatch rows by task id, for comparing sets.
func sortDispatches(ds []api.Dispatch) []api.Dispatch {
	ds = slices.Clone(ds)
	slices.SortFunc(ds, func(a, b api.Dispatch) int { return strings.Compare(a.TaskID, b.TaskID) })
	return ds
}

// event returns a TaskUpdated event with a payload that survives encoding
// only if every field is stored.
func event(id int64, ref string) events.Event {
	return events.Event{
		ID:   id,
		Type: events.TaskUpdated,
		Time: 1_700_000_000_000 + id,
		Ref:  ref,
		TaskUpdated: &events.TaskUpdatedData{
			TaskID: "task-" + ref,
			Status: api.TaskCompleted,
			Output: map[string]any{"n": float64(id), "s": "<&>"},
		},
	}
}

// started returns a WorkflowStarted event with id 1.
func started(wfID, name string, version int) events.Event {
	return events.Event{
		ID:   1,
		Type: events.WorkflowStarted,
		Time: 1_700_000_000_000,
		WorkflowStarted: &events.WorkflowStartedData{
			WorkflowID:    wfID,
			Name:          name,
			Version:       version,
			DefHash:       "hash-" + name,
			Input:         map[string]any{"order": "o-1", "lines": []any{"a", "b"}},
			CorrelationID: "corr-" + wfID,
			TaskToDomain:  map[string]string{"*": "blue"},
		},
	}
}

// eventRange returns events from..to (inclusive) with refs "r<id>".
func eventRange(from, to int64) []events.Event {
	var out []events.Event
	for id := from; id <= to; id++ {
		out = append(out, event(id, fmt.Sprintf("r%d", id)))
	}
	return out
}

func readEvents(t *testing.T, s persistence.ExecutionStore, wfID string) []events.Event {
	t.Helper()
	return nilIfEmpty(readEventsAfter(t, s, wfID, 0))
}

func readEventsAfter(t *testing.T, s persistence.ExecutionStore, wfID string, after int64) []events.Event {
	t.Helper()
	evs, err := s.Events(t.Context(), wfID, after)
	if err != nil {
		t.Fatalf("Events(%s, %d): %v", wfID, after, err)
	}
	return evs
}
