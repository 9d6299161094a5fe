package visibilitytest

import (
	"context"
	"reflect"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/visibility"
)

// writeCase runs against a fresh store.
type writeCase struct {
	name string
	run  func(t *testing.T, s visibility.Store)
}

func writeCases() []writeCase {
	return []writeCase{
		{"RoundTrip", testRoundTrip},
		{"OlderVersionIgnored", testOlderVersionIgnored},
		{"EqualVersionReplaces", testEqualVersionReplaces},
		{"NewestInBatch", testNewestInBatch},
		{"FreeTextFollowsUpdate", testFreeTextFollowsUpdate},
		{"Removal", testRemoval},
		{"RemovalWinsInBatch", testRemovalWinsInBatch},
		{"EmptyStore", testEmptyStore},
	}
}

// testRoundTrip: searches return summaries exactly as applied.
func testRoundTrip(t *testing.T, s visibility.Store) {
	b := corpus()
	apply(t, s, b)
	ctx := context.Background()
	wp, err := s.SearchWorkflows(ctx, visibility.Query{Query: "workflowId IN (w3, w5)", Sort: "workflowId:ASC"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []api.WorkflowSummary{b.Workflows[2], b.Workflows[4]}; !reflect.DeepEqual(wp.Results, want) {
		t.Errorf("workflows:\n got %+v\nwant %+v", wp.Results, want)
	}
	tp, err := s.SearchTasks(ctx, visibility.Query{Query: "taskId = t1"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []api.TaskSummary{b.Tasks[0]}; !reflect.DeepEqual(tp.Results, want) {
		t.Errorf("tasks:\n got %+v\nwant %+v", tp.Results, want)
	}
}

func testOlderVersionIgnored(t *testing.T, s visibility.Store) {
	apply(t, s, &visibility.Batch{
		Workflows: []api.WorkflowSummary{workflow("a", 5, "COMPLETED")},
		Tasks:     []api.TaskSummary{task("ta", "a", 5, "COMPLETED")},
	})
	apply(t, s, &visibility.Batch{
		Workflows: []api.WorkflowSummary{workflow("a", 3, "RUNNING")},
		Tasks:     []api.TaskSummary{task("ta", "a", 4, "IN_PROGRESS")},
	})
	expect(t, s, false, q("status = COMPLETED"), "a")
	expect(t, s, false, q("status = RUNNING"))
	expect(t, s, true, q("status = COMPLETED"), "ta")
	expect(t, s, true, q("status = IN_PROGRESS"))
}

// testEqualVersionReplaces: a replayed version is written again, so a
// rebuilt summary of the same version wins.
func testEqualVersionReplaces(t *testing.T, s visibility.Store) {
	apply(t, s, &visibility.Batch{Workflows: []api.WorkflowSummary{workflow("a", 5, "RUNNING")}})
	apply(t, s, &visibility.Batch{Workflows: []api.WorkflowSummary{workflow("a", 5, "PAUSED")}})
	expect(t, s, false, q("status = PAUSED"), "a")
}

func testNewestInBatch(t *testing.T, s visibility.Store) {
	apply(t, s, &visibility.Batch{
		Workflows: []api.WorkflowSummary{workflow("a", 7, "COMPLETED"), workflow("b", 1, "RUNNING"), workflow("a", 6, "RUNNING")},
		Tasks:     []api.TaskSummary{task("ta", "a", 2, "SCHEDULED"), task("ta", "a", 3, "COMPLETED"), task("ta", "a", 1, "FAILED")},
	})
	expect(t, s, false, q("status = COMPLETED"), "a")
	expect(t, s, false, visibility.Query{Sort: "workflowId:ASC"}, "a", "b")
	expect(t, s, true, q("status = COMPLETED"), "ta")
	expect(t, s, true, q(""), "ta")
}

// testFreeTextFollowsUpdate: the free-text index holds the current
// version's text only.
func testFreeTextFollowsUpdate(t *testing.T, s visibility.Store) {
	w := workflow("a", 1, "RUNNING")
	w.Input = `{"color":"alpha"}`
	apply(t, s, &visibility.Batch{Workflows: []api.WorkflowSummary{w}})
	expect(t, s, false, visibility.Query{FreeText: "alpha"}, "a")
	w.Input, w.EventVersion = `{"color":"bravo"}`, 2
	apply(t, s, &visibility.Batch{Workflows: []api.WorkflowSummary{w}})
	expect(t, s, false, visibility.Query{FreeText: "alpha"})
	expect(t, s, false, visibility.Query{FreeText: "bravo"}, "a")
}

// testRemoval: removing a workflow removes its summary, its tasks' and
// their free text, and leaves the others.
func testRemoval(t *testing.T, s visibility.Store) {
	apply(t, s, corpus())
	apply(t, s, &visibility.Batch{Removed: []string{"w1", "w3", "nosuch"}})
	expect(t, s, false, q(""), "w7", "w6", "w5", "w4", "w2")
	expect(t, s, true, q(""), "t5", "t4")
	expect(t, s, false, visibility.Query{FreeText: "alice"})
	expect(t, s, true, visibility.Query{FreeText: "declined"})
}

func testRemovalWinsInBatch(t *testing.T, s visibility.Store) {
	apply(t, s, &visibility.Batch{
		Workflows: []api.WorkflowSummary{workflow("a", 1, "RUNNING"), workflow("b", 1, "RUNNING")},
		Tasks:     []api.TaskSummary{task("ta", "a", 1, "SCHEDULED")},
		Removed:   []string{"a"},
	})
	expect(t, s, false, q(""), "b")
	expect(t, s, true, q(""))
}

func testEmptyStore(t *testing.T, s visibility.Store) {
	apply(t, s, &visibility.Batch{})
	expect(t, s, false, q(""))
	expect(t, s, true, visibility.Query{FreeText: "x"})
}
