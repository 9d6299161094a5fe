package history

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/persistence"
	"github.com/legatohq/legato/pkg/workflow"
)

// TestFactsTaskDefs: a task definition registered while history runs
// reaches the facts a round reads — at once for the next request that
// enters a shard, and without any request through the store's change
// notification (for rounds that timers start).
func TestFactsTaskDefs(t *testing.T) {
	ctx := context.Background()
	store := memStore(t, &workflow.WorkflowDef{Name: "one", Version: 1, Tasks: []*workflow.WorkflowTask{
		{Name: "work", TaskReferenceName: "a", Type: workflow.TaskTypeSimple}}})
	var clock atomic.Int64
	s, _ := startService(t, store, &clock)

	// Through the notification alone.
	if err := store.PutTaskDefs(ctx, []*workflow.TaskDef{{Name: "quiet", Description: "q7"}}); err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(5 * time.Second); ; {
		if td := s.facts.current().TaskDefs["quiet"]; td != nil && td.Description == "q7" {
			break
		}
		if time.Now().After(end) {
			t.Fatal("a registered TaskDef never reached the facts without a request")
		}
		time.Sleep(time.Millisecond) // the watcher runs on its own goroutine
	}

	// Read-your-writes, with no notification to help: the next request
	// that enters a shard brings the facts up to date.
	quiet, err := New(Options{Exec: store, Meta: unnotified{store, store}, Matching: &offers{}, Shards: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := quiet.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(quiet.Close)
	if err := store.PutTaskDefs(ctx, []*workflow.TaskDef{{Name: "loud", Description: "l3"}}); err != nil {
		t.Fatal(err)
	}
	if td := quiet.facts.current().TaskDefs["loud"]; td != nil {
		t.Fatalf("TaskDefs[loud] = %+v before any request: the test needs no other path to have refreshed", td)
	}
	if _, err := quiet.StartWorkflow(ctx, &api.StartWorkflowRequest{Name: "one"}); err != nil {
		t.Fatal(err)
	}
	if td := quiet.facts.current().TaskDefs["loud"]; td == nil || td.Description != "l3" {
		t.Fatalf("after a request, TaskDefs[loud] = %+v, want description l3", td)
	}
}

// unnotified is a metadata store that says when it changed but cannot
// wake anyone.
type unnotified struct {
	persistence.MetadataStore
	persistence.Generationer
}

// TestFactsPolled: matching's reports of domain polls are what the next
// round reads, and an older report never replaces a newer one.
func TestFactsPolled(t *testing.T) {
	f := newFacts(memStore(t))
	q := api.TaskQueue{TaskType: "charge", Domain: "eu"}
	before := f.current().Polled
	f.polledAt(q, 2000)
	f.polledAt(q, 1000)
	if got := f.current().Polled[q]; got != 2000 {
		t.Fatalf("Polled[%v] = %d, want 2000", q, got)
	}
	if len(before) != 0 {
		t.Fatalf("a published map changed: %v", before)
	}
}
