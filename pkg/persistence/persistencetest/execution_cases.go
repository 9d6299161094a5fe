package persistencetest

import (
	"fmt"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/persistence"
)

// fullBatch writes one row of every kind for workflow wf on shard.
func fullBatch(wf string, shard int) (*persistence.Batch, rowKeys, view) {
	evs := []events.Event{started(wf, "order", 3), event(2, "charge")}
	d := api.Dispatch{TaskID: wf + "-t1", WorkflowID: wf, TaskType: "charge", Domain: "blue", VisibleAt: 1234, Priority: 3}
	m := api.EventMessage{Queue: "conductor:order:ev", ID: wf + "-t0", Payload: map[string]any{"workflowInstanceId": wf}}
	logs := []api.TaskExecLog{
		{TaskID: wf + "-t1", Log: "second", CreatedTime: 200},
		{TaskID: wf + "-t1", Log: "first", CreatedTime: 100},
	}
	b := &persistence.Batch{
		Shard:          shard,
		Workflows:      []persistence.WorkflowWrite{{WorkflowID: wf, Events: evs, Snapshot: []byte(`{"state":"` + wf + `"}`)}},
		Defs:           []persistence.DefWrite{{Hash: "hash-" + wf, Data: []byte(`{"name":"order"}`)}},
		PutDispatches:  []api.Dispatch{d},
		PutMessages:    []api.EventMessage{m},
		PutTimers:      []persistence.Timer{{At: 5000, WorkflowID: wf}},
		PutTaskIndex:   []persistence.TaskIndex{{TaskID: wf + "-t1", WorkflowID: wf}},
		PutCorrelation: []persistence.WorkflowIndex{{Name: "order", Version: 3, Key: "corr-" + wf, WorkflowID: wf}},
		PutRunning:     []persistence.WorkflowIndex{{Name: "order", Version: 3, WorkflowID: wf}},
		TaskLogs:       logs,
	}
	k := rowKeys{
		WorkflowID: wf, Hash: "hash-" + wf, TaskID: wf + "-t1", Shard: shard,
		Name: "order", Version: 3, Correlated: "corr-" + wf,
	}
	want := view{
		State:        []byte(`{"state":"` + wf + `"}`),
		Events:       evs,
		Def:          []byte(`{"name":"order"}`),
		TaskWorkflow: wf,
		TaskLogs:     []api.TaskExecLog{logs[1], logs[0]},
		Dispatches:   []api.Dispatch{d},
		Messages:     []api.EventMessage{m},
		Timers:       []persistence.Timer{{At: 5000, WorkflowID: wf}},
		Correlated:   []string{wf},
		Running:      []string{wf},
	}
	return b, k, want
}

func testEveryRowKind(t *testing.T, s Stores) {
	b, k, want := fullBatch("wf-every", 7)
	commit(t, s.Exec, b)
	equal(t, "rows read back", readView(t, s.Exec, k), want)
}

func testEventsInOrder(t *testing.T, s Stores) {
	// Ids past 255 catch encodings that do not sort numerically;
	// "wf" and "wf1" share a prefix and must not see each other.
	for _, r := range [][2]int64{{1, 1}, {2, 3}, {4, 300}, {301, 600}} {
		commit(t, s.Exec, &persistence.Batch{Shard: 1, Workflows: []persistence.WorkflowWrite{
			{WorkflowID: "wf", Events: eventRange(r[0], r[1])},
		}})
	}
	commit(t, s.Exec, &persistence.Batch{Shard: 1, Workflows: []persistence.WorkflowWrite{
		{WorkflowID: "wf1", Events: eventRange(1, 2)},
		{WorkflowID: "w", Events: eventRange(1, 1)},
	}})

	equal(t, "Events(wf)", readEventsAfter(t, s.Exec, "wf", 0), eventRange(1, 600))
	equal(t, "Events(wf1)", readEventsAfter(t, s.Exec, "wf1", 0), eventRange(1, 2))
	// after cuts at any id, on or inside a commit's range.
	for _, after := range []int64{1, 2, 3, 150, 300, 599} {
		equal(t, fmt.Sprintf("Events(wf, after %d)", after), readEventsAfter(t, s.Exec, "wf", after), eventRange(after+1, 600))
	}
	if got := readEventsAfter(t, s.Exec, "wf", 600); len(got) != 0 {
		t.Fatalf("Events(wf, after 600) = %d events, want none", len(got))
	}
}

func testSnapshotReplaced(t *testing.T, s Stores) {
	commit(t, s.Exec, &persistence.Batch{Workflows: []persistence.WorkflowWrite{
		{WorkflowID: "a", Events: eventRange(1, 1), Snapshot: []byte("a-1")},
		{WorkflowID: "b", Events: eventRange(1, 1), Snapshot: []byte("b-1")},
	}})
	commit(t, s.Exec, &persistence.Batch{Workflows: []persistence.WorkflowWrite{
		{WorkflowID: "a", Events: eventRange(2, 2), Snapshot: []byte("a-2")},
	}})
	for wf, want := range map[string]string{"a": "a-2", "b": "b-1"} {
		got, err := s.Exec.State(t.Context(), wf)
		if err != nil {
			t.Fatalf("State(%s): %v", wf, err)
		}
		equal(t, "State("+wf+")", string(got), want)
	}
}

func testDeleteWorkflow(t *testing.T, s Stores) {
	ctx := t.Context()
	commit(t, s.Exec, &persistence.Batch{Workflows: []persistence.WorkflowWrite{
		{WorkflowID: "del", Events: eventRange(1, 3), Snapshot: []byte("del")},
		{WorkflowID: "del1", Events: eventRange(1, 2), Snapshot: []byte("del1")},
	}})
	commit(t, s.Exec, &persistence.Batch{Workflows: []persistence.WorkflowWrite{
		{WorkflowID: "del", Delete: true},
	}})

	_, err := s.Exec.State(ctx, "del")
	notFound(t, "State after delete", err)
	evs, err := s.Exec.Events(ctx, "del", 0)
	if err != nil {
		t.Fatalf("Events after delete: %v", err)
	}
	equal(t, "Events after delete", evs, []events.Event(nil))
	equal(t, "neighbour after delete", readView(t, s.Exec, rowKeys{WorkflowID: "del1"}),
		view{State: []byte("del1"), Events: eventRange(1, 2)})

	// The id may be used again; the old history must not come back.
	commit(t, s.Exec, &persistence.Batch{Workflows: []persistence.WorkflowWrite{
		{WorkflowID: "del", Events: eventRange(1, 1), Snapshot: []byte("del again")},
	}})
	equal(t, "recreated after delete", readView(t, s.Exec, rowKeys{WorkflowID: "del"}),
		view{State: []byte("del again"), Events: eventRange(1, 1)})
}

func testDefs(t *testing.T, s Stores) {
	b := &persistence.Batch{Defs: []persistence.DefWrite{
		{Hash: "h1", Data: []byte("one")},
		{Hash: "h2", Data: []byte("two")},
	}}
	commit(t, s.Exec, b)
	commit(t, s.Exec, &persistence.Batch{Defs: b.Defs[:1]}) // harmless again
	for _, d := range b.Defs {
		got, err := s.Exec.Def(t.Context(), d.Hash)
		if err != nil {
			t.Fatalf("Def(%s): %v", d.Hash, err)
		}
		equal(t, "Def("+d.Hash+")", string(got), string(d.Data))
	}
}

func testNotFoundAndEmpty(t *testing.T, s Stores) {
	ctx := t.Context()
	// Something to miss next to.
	b, _, _ := fullBatch("present", 1)
	commit(t, s.Exec, b)

	_, err := s.Exec.State(ctx, "absent")
	notFound(t, "State", err)
	_, err = s.Exec.Def(ctx, "absent")
	notFound(t, "Def", err)
	_, err = s.Exec.TaskWorkflow(ctx, "absent")
	notFound(t, "TaskWorkflow", err)
	_, err = s.Meta.TaskDef(ctx, "absent")
	notFound(t, "TaskDef", err)
	_, err = s.Meta.WorkflowDef(ctx, "absent", 1)
	notFound(t, "WorkflowDef", err)
	_, err = s.Meta.WorkflowDef(ctx, "absent", 0)
	notFound(t, "WorkflowDef latest", err)

	got := readView(t, s.Exec, rowKeys{
		WorkflowID: "absent", Hash: "absent", TaskID: "absent", Shard: 2,
		Name: "absent", Version: 1, Correlated: "absent",
	})
	equal(t, "lists of absent rows", got, view{})
}

func testIdempotent(t *testing.T, s Stores) {
	b, k, want := fullBatch("wf-idem", 4)
	commit(t, s.Exec, b)
	commit(t, s.Exec, b)
	equal(t, "after applying twice", readView(t, s.Exec, k), want)

	// A batch of deletes and appends, applied twice.
	b2 := &persistence.Batch{
		Shard:          4,
		Workflows:      []persistence.WorkflowWrite{{WorkflowID: "wf-idem", Events: []events.Event{event(3, "ship")}, Snapshot: []byte("s3")}},
		DelDispatches:  []string{"wf-idem-t1"},
		DelMessages:    []string{"wf-idem-t0"},
		DelTimers:      b.PutTimers,
		DelTaskIndex:   []string{"wf-idem-t1"},
		DelCorrelation: b.PutCorrelation,
		DelRunning:     b.PutRunning,
		DelTaskLogs:    []string{"wf-idem-t1"},
	}
	commit(t, s.Exec, b2)
	once := readView(t, s.Exec, k)
	commit(t, s.Exec, b2)
	twice := readView(t, s.Exec, k)
	equal(t, "deletes applied twice", twice, once)
	equal(t, "after deletes", once, view{
		State:  []byte("s3"),
		Events: append(want.Events, event(3, "ship")),
		Def:    want.Def,
	})
}

func testWorkflowIDs(t *testing.T, s Stores) {
	// "wf" and "wf1" share a prefix; every workflow has events.
	for _, wf := range []string{"wf1", "b", "wf", "a"} {
		commit(t, s.Exec, &persistence.Batch{Shard: 1, Workflows: []persistence.WorkflowWrite{{WorkflowID: wf, Events: []events.Event{started(wf, "order", 1), event(2, "x")}}}})
	}
	read := func(after string, limit int) []string {
		t.Helper()
		ids, err := s.Exec.WorkflowIDs(t.Context(), after, limit)
		if err != nil {
			t.Fatalf("WorkflowIDs(%q, %d): %v", after, limit, err)
		}
		return ids
	}
	equal(t, "first two", read("", 2), []string{"a", "b"})
	equal(t, "after b", read("b", 10), []string{"wf", "wf1"})
	equal(t, "after wf", read("wf", 10), []string{"wf1"})
	equal(t, "after the last", nilIfEmpty(read("wf1", 10)), []string(nil))
}
