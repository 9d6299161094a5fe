package indexer

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/vfs"
	"go.uber.org/goleak"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/persistence"
	"github.com/legatohq/legato/pkg/persistence/pebble"
	"github.com/legatohq/legato/pkg/visibility"
	"github.com/legatohq/legato/pkg/visibility/sqlite"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// row is an outbox row of workflow wf at version v, with status st.
func row(t *testing.T, wf string, v int64, st string) persistence.VisibilityRow {
	t.Helper()
	rec := &visibility.Record{Workflow: &api.WorkflowSummary{WorkflowID: wf, WorkflowType: "idx", Status: st, StartTime: 1, EventVersion: v}}
	data, err := rec.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return persistence.VisibilityRow{WorkflowID: wf, Version: v, Data: data}
}

// TestIndexer: rows left in the outbox before Start and rows written
// while it runs reach the store, the newest version of each workflow
// wins whatever the order, and applied rows leave the outbox.
func TestIndexer(t *testing.T) {
	ctx := context.Background()
	exec, err := pebble.Open(pebble.Options{Dir: "db", FS: vfs.NewMem()})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Close()
	vs, err := sqlite.Open(sqlite.Options{Path: filepath.Join(t.TempDir(), "vis.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer vs.Close()
	commit := func(shard int, rows ...persistence.VisibilityRow) {
		if err := exec.Commit(ctx, &persistence.Batch{Shard: shard, PutVisibility: rows}); err != nil {
			t.Fatal(err)
		}
	}
	// Before Start: a newer row of w1 in one round, an older one after.
	commit(0, row(t, "w1", 5, "COMPLETED"))
	commit(0, row(t, "w1", 3, "RUNNING"))
	ix, err := New(Options{Outbox: exec, Sink: NewStoreSink(vs, nil), Shards: 2, BatchSize: 2, Linger: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ix.Start()
	defer ix.Close()
	for i := range 5 { // more than a batch, on the other shard
		commit(1, row(t, fmt.Sprintf("w%d", 10+i), 2, "RUNNING"))
		ix.Written(1)
	}
	statusOf := func(wf string) string {
		p, err := vs.SearchWorkflows(ctx, visibility.Query{Query: `workflowId = "` + wf + `"`})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Results) == 0 {
			return ""
		}
		return p.Results[0].Status
	}
	deadline := time.Now().Add(10 * time.Second)
	for ix.Applied() < 7 {
		if time.Now().After(deadline) {
			t.Fatalf("%d of 7 rows applied after 10s", ix.Applied())
		}
		time.Sleep(5 * time.Millisecond) // the indexer runs on its own goroutine
	}
	if st := statusOf("w1"); st != "COMPLETED" {
		t.Errorf("w1 is %q, want the newest version's COMPLETED", st)
	}
	for i := range 5 {
		if st := statusOf(fmt.Sprintf("w%d", 10+i)); st != "RUNNING" {
			t.Errorf("w%d is %q", 10+i, st)
		}
	}
	for shard := range 2 {
		if rows, err := exec.Visibility(ctx, shard, 0); err != nil || len(rows) != 0 {
			t.Errorf("shard %d outbox holds %d rows after applying (%v)", shard, len(rows), err)
		}
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{}, "indexer: invalid options: Options.Outbox is required"},
		{Options{Outbox: &pebble.Store{}}, "indexer: invalid options: Options.Sink is required"},
	} {
		if _, err := New(c.o); err == nil || err.Error() != c.want {
			t.Errorf("New(%+v) = %v, want %q", c.o, err, c.want)
		}
	}
}
