package pebble

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/persistence"
)

// The crash workload: a sequence of batches where batch i touches every
// table, so that after a crash the store must equal "batches 0..n-1
// applied" for one n; any other state is a half-applied batch.
//
// Batch i appends events 2i+1 and 2i+2 to workflow "main" and replaces its
// 1 KiB snapshot; creates workflow side-i and deletes side-(i-1); moves
// the shard's only dispatch row and timer from i-1 to i; indexes task-i;
// and adds log line i.

const (
	crashShard   = 5
	crashBatches = 40
)

func crashSide(i int) string { return fmt.Sprintf("side-%d", i) }
func crashTask(i int) string { return fmt.Sprintf("task-%d", i) }

func crashSnapshot(i int) []byte {
	return append(fmt.Appendf(nil, "main@%d:", i), bytes.Repeat([]byte{'x'}, 1024)...)
}

func crashEvent(id int64) events.Event {
	return events.Event{ID: id, Type: events.TaskUpdated, Time: id, Ref: fmt.Sprint(id)}
}

func crashBatch(i int) *persistence.Batch {
	b := &persistence.Batch{
		Shard: crashShard,
		Workflows: []persistence.WorkflowWrite{
			{WorkflowID: "main", Events: []events.Event{crashEvent(2*int64(i) + 1), crashEvent(2*int64(i) + 2)}, Snapshot: crashSnapshot(i)},
			{WorkflowID: crashSide(i), Events: []events.Event{crashEvent(1)}, Snapshot: []byte(crashSide(i))},
		},
		PutDispatches: []api.Dispatch{{TaskID: crashTask(i), WorkflowID: "main", TaskType: "crash"}},
		PutTimers:     []persistence.Timer{{At: int64(i), WorkflowID: "main"}},
		PutTaskIndex:  []persistence.TaskIndex{{TaskID: crashTask(i), WorkflowID: "main"}},
		TaskLogs:      []api.TaskExecLog{{TaskID: "log", Log: fmt.Sprint(i), CreatedTime: int64(i)}},
	}
	if i > 0 {
		b.Workflows = append(b.Workflows, persistence.WorkflowWrite{WorkflowID: crashSide(i - 1), Delete: true})
		b.DelDispatches = []string{crashTask(i - 1)}
		b.DelTimers = []persistence.Timer{{At: int64(i - 1), WorkflowID: "main"}}
	}
	return b
}

// crashApplied returns how many crash batches s holds, and fails the test
// unless s is exactly the state after that many.
func crashApplied(t *testing.T, s *Store) int {
	t.Helper()
	ctx := t.Context()
	evs, err := s.Events(ctx, "main", 0)
	if err != nil {
		t.Fatalf("Events(main): %v", err)
	}
	n := len(evs) / 2
	if len(evs)%2 != 0 {
		t.Errorf("main has %d events: a batch is half-applied", len(evs))
	}

	var wantEvents []events.Event
	var wantDispatches []api.Dispatch
	var wantTimers []persistence.Timer
	var wantLogs []api.TaskExecLog
	for i := range n {
		wantEvents = append(wantEvents, crashBatch(i).Workflows[0].Events...)
		wantLogs = append(wantLogs, crashBatch(i).TaskLogs...)
	}
	if n > 0 {
		wantDispatches = crashBatch(n - 1).PutDispatches
		wantTimers = crashBatch(n - 1).PutTimers
	}
	same(t, fmt.Sprintf("events of main after %d batches", n), evs, wantEvents)
	ds, err := s.Dispatches(ctx, crashShard)
	if err != nil {
		t.Fatalf("Dispatches: %v", err)
	}
	same(t, fmt.Sprintf("dispatches after %d batches", n), ds, wantDispatches)
	ts, err := s.Timers(ctx, crashShard)
	if err != nil {
		t.Fatalf("Timers: %v", err)
	}
	same(t, fmt.Sprintf("timers after %d batches", n), ts, wantTimers)
	logs, err := s.TaskLogs(ctx, "log")
	if err != nil {
		t.Fatalf("TaskLogs: %v", err)
	}
	same(t, fmt.Sprintf("logs after %d batches", n), logs, wantLogs)

	var wantSnap []byte
	if n > 0 {
		wantSnap = crashSnapshot(n - 1)
	}
	checkState(t, s, "main", wantSnap)
	for i := range crashBatches {
		var wantSide []byte
		var wantSideEvents []events.Event
		if i == n-1 {
			wantSide, wantSideEvents = []byte(crashSide(i)), []events.Event{crashEvent(1)}
		}
		checkState(t, s, crashSide(i), wantSide)
		sideEvents, err := s.Events(ctx, crashSide(i), 0)
		if err != nil {
			t.Fatalf("Events(%s): %v", crashSide(i), err)
		}
		same(t, "events of "+crashSide(i), sideEvents, wantSideEvents)

		owner, err := s.TaskWorkflow(ctx, crashTask(i))
		switch {
		case i < n && (err != nil || owner != "main"):
			t.Errorf("TaskWorkflow(%s) after %d batches = %q, %v; want main", crashTask(i), n, owner, err)
		case i >= n && !errors.Is(err, persistence.ErrNotFound):
			t.Errorf("TaskWorkflow(%s) after %d batches = %q, %v; want not found", crashTask(i), n, owner, err)
		}
	}
	return n
}

// checkState fails the test unless wf's snapshot is want (nil: absent).
func checkState(t *testing.T, s *Store, wf string, want []byte) {
	t.Helper()
	got, err := s.State(t.Context(), wf)
	if want == nil {
		if !errors.Is(err, persistence.ErrNotFound) {
			t.Errorf("State(%s) = %.20q, %v; want not found", wf, got, err)
		}
		return
	}
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("State(%s) = %.20q, %v; want %.20q", wf, got, err, want)
	}
}

// same compares two slices, treating nil and empty as equal.
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if reflect.ValueOf(got).Len() == 0 && reflect.ValueOf(want).Len() == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %+v\n want %+v", what, got, want)
	}
}
