package persistencetest

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/persistence"
)

func dispatch(taskID string) api.Dispatch {
	return api.Dispatch{TaskID: taskID, WorkflowID: "wf-" + taskID, TaskType: "type-" + taskID, VisibleAt: 42}
}

func readDispatches(t *testing.T, s persistence.ExecutionStore, shard int) []api.Dispatch {
	t.Helper()
	ds, err := s.Dispatches(t.Context(), shard)
	if err != nil {
		t.Fatalf("Dispatches(%d): %v", shard, err)
	}
	return nilIfEmpty(sortDispatches(ds))
}

func testDispatches(t *testing.T, s Stores) {
	// Shards 2 and 258 differ only in the high byte; 3 is empty.
	commit(t, s.Exec, &persistence.Batch{Shard: 2, PutDispatches: []api.Dispatch{dispatch("a"), dispatch("b"), dispatch("c")}})
	commit(t, s.Exec, &persistence.Batch{Shard: 258, PutDispatches: []api.Dispatch{dispatch("a"), dispatch("z")}})

	equal(t, "shard 2", readDispatches(t, s.Exec, 2), []api.Dispatch{dispatch("a"), dispatch("b"), dispatch("c")})
	equal(t, "shard 258", readDispatches(t, s.Exec, 258), []api.Dispatch{dispatch("a"), dispatch("z")})
	equal(t, "shard 3", readDispatches(t, s.Exec, 3), []api.Dispatch(nil))

	// A delete names rows of the batch's shard only.
	commit(t, s.Exec, &persistence.Batch{Shard: 2, DelDispatches: []string{"a", "c", "never-put"}})
	equal(t, "shard 2 after delete", readDispatches(t, s.Exec, 2), []api.Dispatch{dispatch("b")})
	equal(t, "shard 258 after shard 2's delete", readDispatches(t, s.Exec, 258), []api.Dispatch{dispatch("a"), dispatch("z")})

	// A put of an existing task id replaces the row.
	changed := dispatch("b")
	changed.VisibleAt, changed.Priority, changed.Domain = 99, 5, "green"
	commit(t, s.Exec, &persistence.Batch{Shard: 2, PutDispatches: []api.Dispatch{changed}})
	equal(t, "shard 2 after replace", readDispatches(t, s.Exec, 2), []api.Dispatch{changed})
}

func readTimers(t *testing.T, s persistence.ExecutionStore, shard int) []persistence.Timer {
	t.Helper()
	ts, err := s.Timers(t.Context(), shard)
	if err != nil {
		t.Fatalf("Timers(%d): %v", shard, err)
	}
	if !slices.IsSortedFunc(ts, func(a, b persistence.Timer) int { return cmp.Compare(a.At, b.At) }) {
		t.Errorf("Timers(%d) not earliest first: %v", shard, ts)
	}
	// Ties have no order: sort them for comparing.
	slices.SortStableFunc(ts, func(a, b persistence.Timer) int {
		return cmp.Or(cmp.Compare(a.At, b.At), strings.Compare(a.WorkflowID, b.WorkflowID))
	})
	return nilIfEmpty(ts)
}

func testTimers(t *testing.T, s Stores) {
	// Times that differ in every byte position, across 2^8, 2^32 and a tie.
	put := []persistence.Timer{
		{At: 5000, WorkflowID: "w5000"},
		{At: 100, WorkflowID: "w100"},
		{At: 1_700_000_000_000, WorkflowID: "wbig"},
		{At: 256, WorkflowID: "w256"},
		{At: 255, WorkflowID: "w255"},
		{At: 2000, WorkflowID: "w2000b"},
		{At: 2000, WorkflowID: "w2000a"},
		{At: 1 << 32, WorkflowID: "w2^32"},
	}
	commit(t, s.Exec, &persistence.Batch{Shard: 2, PutTimers: put[:4]})
	commit(t, s.Exec, &persistence.Batch{Shard: 2, PutTimers: put[4:]})
	commit(t, s.Exec, &persistence.Batch{Shard: 258, PutTimers: []persistence.Timer{{At: 1, WorkflowID: "other"}}})

	want := []persistence.Timer{
		{At: 100, WorkflowID: "w100"},
		{At: 255, WorkflowID: "w255"},
		{At: 256, WorkflowID: "w256"},
		{At: 2000, WorkflowID: "w2000a"},
		{At: 2000, WorkflowID: "w2000b"},
		{At: 5000, WorkflowID: "w5000"},
		{At: 1 << 32, WorkflowID: "w2^32"},
		{At: 1_700_000_000_000, WorkflowID: "wbig"},
	}
	equal(t, "shard 2", readTimers(t, s.Exec, 2), want)
	equal(t, "shard 258", readTimers(t, s.Exec, 258), []persistence.Timer{{At: 1, WorkflowID: "other"}})

	// A delete names (At, WorkflowID): the other timer at 2000 stays, as
	// does a timer of the same workflow at another time.
	commit(t, s.Exec, &persistence.Batch{Shard: 2, DelTimers: []persistence.Timer{
		{At: 2000, WorkflowID: "w2000a"},
		{At: 1, WorkflowID: "w100"},
	}})
	commit(t, s.Exec, &persistence.Batch{Shard: 2, DelTimers: []persistence.Timer{{At: 1, WorkflowID: "other"}}})
	want = slices.Delete(want, 3, 4)
	equal(t, "shard 2 after delete", readTimers(t, s.Exec, 2), want)
	equal(t, "shard 258 after shard 2's delete", readTimers(t, s.Exec, 258), []persistence.Timer{{At: 1, WorkflowID: "other"}})
}

func message(id string) api.EventMessage {
	return api.EventMessage{Queue: "conductor:w:" + id, ID: id, Payload: map[string]any{"k": id, "n": 1.5}}
}

func readMessages(t *testing.T, s persistence.ExecutionStore, shard int) []api.EventMessage {
	t.Helper()
	ms, err := s.Messages(t.Context(), shard)
	if err != nil {
		t.Fatalf("Messages(%d): %v", shard, err)
	}
	slices.SortFunc(ms, func(a, b api.EventMessage) int { return strings.Compare(a.ID, b.ID) })
	return nilIfEmpty(ms)
}

func testMessages(t *testing.T, s Stores) {
	// Shards 2 and 258 differ only in the high byte; 3 is empty.
	commit(t, s.Exec, &persistence.Batch{Shard: 2, PutMessages: []api.EventMessage{message("a"), message("b")}})
	commit(t, s.Exec, &persistence.Batch{Shard: 258, PutMessages: []api.EventMessage{message("a")}})
	equal(t, "shard 2", readMessages(t, s.Exec, 2), []api.EventMessage{message("a"), message("b")})
	equal(t, "shard 258", readMessages(t, s.Exec, 258), []api.EventMessage{message("a")})
	equal(t, "shard 3", readMessages(t, s.Exec, 3), []api.EventMessage(nil))

	// A delete names rows of the batch's shard only.
	commit(t, s.Exec, &persistence.Batch{Shard: 2, DelMessages: []string{"a", "never-put"}})
	equal(t, "shard 2 after delete", readMessages(t, s.Exec, 2), []api.EventMessage{message("b")})
	equal(t, "shard 258 after shard 2's delete", readMessages(t, s.Exec, 258), []api.EventMessage{message("a")})
}

func readVisibility(t *testing.T, s persistence.ExecutionStore, shard, limit int) []persistence.VisibilityRow {
	t.Helper()
	rows, err := s.Visibility(t.Context(), shard, limit)
	if err != nil {
		t.Fatalf("Visibility(%d, %d): %v", shard, limit, err)
	}
	return nilIfEmpty(rows)
}

func testVisibilityOutbox(t *testing.T, s Stores) {
	row := func(wf string, v int64) persistence.VisibilityRow {
		return persistence.VisibilityRow{WorkflowID: wf, Version: v, Data: []byte(fmt.Sprintf(`{"%s":%d}`, wf, v))}
	}
	// A later round of the same workflow adds a row beside the first;
	// "wf" and "wf1" share a prefix; version 300 sorts after 2.
	commit(t, s.Exec, &persistence.Batch{Shard: 2, PutVisibility: []persistence.VisibilityRow{row("wf", 2), row("wf1", 1)}})
	commit(t, s.Exec, &persistence.Batch{Shard: 2, PutVisibility: []persistence.VisibilityRow{row("wf", 300)}})
	commit(t, s.Exec, &persistence.Batch{Shard: 258, PutVisibility: []persistence.VisibilityRow{row("wf", 5)}})
	all := []persistence.VisibilityRow{row("wf", 2), row("wf", 300), row("wf1", 1)}
	equal(t, "shard 2", readVisibility(t, s.Exec, 2, 0), all)
	equal(t, "shard 2, limit 2", readVisibility(t, s.Exec, 2, 2), all[:2])
	equal(t, "shard 258", readVisibility(t, s.Exec, 258, 0), []persistence.VisibilityRow{row("wf", 5)})

	// Deleting applied rows leaves the others, and other shards', alone.
	if err := s.Exec.DeleteVisibility(t.Context(), 2, all[:2]); err != nil {
		t.Fatal(err)
	}
	equal(t, "shard 2 after delete", readVisibility(t, s.Exec, 2, 0), all[2:])
	equal(t, "shard 258 after shard 2's delete", readVisibility(t, s.Exec, 258, 0), []persistence.VisibilityRow{row("wf", 5)})
}
