package pebble

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/cockroachdb/pebble/vfs"
	"go.uber.org/goleak"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/persistence"
	"github.com/legatohq/legato/pkg/persistence/persistencetest"
	"github.com/legatohq/legato/pkg/workflow"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// openTest opens a store on a fresh directory of t and closes it at the
// end of t.
func openTest(t *testing.T, opts Options) *Store {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	if opts.Logger == nil {
		opts.Logger = quietLogger()
	}
	s, err := Open(opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestContract(t *testing.T) {
	persistencetest.Run(t, func(t *testing.T) persistencetest.Stores {
		s := openTest(t, Options{})
		return persistencetest.Stores{Exec: s, Meta: s}
	})
}

func TestContractNoSyncMem(t *testing.T) {
	persistencetest.Run(t, func(t *testing.T) persistencetest.Stores {
		s := openTest(t, Options{Dir: "db", FS: vfs.NewMem(), NoSync: true, MemTableBytes: minMemTableBytes})
		return persistencetest.Stores{Exec: s, Meta: s}
	})
}

// TestReopen checks that what was committed is read back by a new Store
// on the same directory.
func TestReopen(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(Options{Dir: dir, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	b := &persistence.Batch{
		Shard:         3,
		Workflows:     []persistence.WorkflowWrite{{WorkflowID: "w", Snapshot: []byte("snap")}},
		PutDispatches: []api.Dispatch{{TaskID: "t", WorkflowID: "w"}},
	}
	if err := s.Commit(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}

	s = openTest(t, Options{Dir: dir})
	got, err := s.State(t.Context(), "w")
	if err != nil || string(got) != "snap" {
		t.Fatalf("State after reopen = %q, %v", got, err)
	}
	ds, err := s.Dispatches(t.Context(), 3)
	if err != nil || len(ds) != 1 || ds[0].TaskID != "t" {
		t.Fatalf("Dispatches after reopen = %v, %v", ds, err)
	}
}

func TestInvalidKeysRejectWholeBatch(t *testing.T) {
	s := openTest(t, Options{Dir: "db", FS: vfs.NewMem()})
	bad := []*persistence.Batch{
		{Shard: -1},
		{Shard: 1 << 16},
		{Workflows: []persistence.WorkflowWrite{{WorkflowID: "a\x00b", Snapshot: []byte("x")}}},
		{PutRunning: []persistence.WorkflowIndex{{Name: "n", Version: -1, WorkflowID: "w"}}},
		{PutCorrelation: []persistence.WorkflowIndex{{Name: "n", Key: "k\x00", WorkflowID: "w"}}},
		{TaskLogs: []api.TaskExecLog{{TaskID: "t\x00", Log: "x"}}},
	}
	for i, b := range bad {
		// A valid row first: it must not be written either.
		b.PutTaskIndex = []persistence.TaskIndex{{TaskID: "valid", WorkflowID: "w"}}
		if err := s.Commit(t.Context(), b); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("batch %d: err = %v, want ErrInvalidKey", i, err)
		}
	}
	if _, err := s.TaskWorkflow(t.Context(), "valid"); !errors.Is(err, persistence.ErrNotFound) {
		t.Errorf("row of a rejected batch was written: err = %v", err)
	}
	if _, err := s.Dispatches(t.Context(), -1); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("Dispatches(-1): err = %v, want ErrInvalidKey", err)
	}
}

// TestTaskLogDuplicatesInOneBatch checks the content-derived log keys:
// equal lines within one batch are all kept, and the same batch applied
// again adds nothing.
func TestTaskLogDuplicatesInOneBatch(t *testing.T) {
	s := openTest(t, Options{Dir: "db", FS: vfs.NewMem()})
	line := api.TaskExecLog{TaskID: "t", Log: "retrying", CreatedTime: 5}
	b := &persistence.Batch{TaskLogs: []api.TaskExecLog{line, line, {TaskID: "t", Log: "done", CreatedTime: 6}}}
	for range 2 {
		if err := s.Commit(t.Context(), b); err != nil {
			t.Fatal(err)
		}
	}
	logs, err := s.TaskLogs(t.Context(), "t")
	if err != nil {
		t.Fatal(err)
	}
	if len(logs) != 3 || logs[0] != line || logs[1] != line || logs[2].Log != "done" {
		t.Errorf("TaskLogs = %+v, want retrying twice then done", logs)
	}
}

func TestOptionsValidate(t *testing.T) {
	ok := []Options{
		{Dir: "d"},
		{Dir: "d", CacheBytes: 1, MemTableBytes: minMemTableBytes},
		{Dir: "d", MemTableBytes: maxMemTableBytes},
	}
	for _, o := range ok {
		if err := o.Validate(); err != nil {
			t.Errorf("Validate(%+v) = %v, want nil", o, err)
		}
	}
	bad := []struct {
		o    Options
		want string
	}{
		{Options{}, "persistence/pebble: invalid options: Options.Dir is empty, want a directory"},
		{Options{Dir: "d", CacheBytes: -1}, "persistence/pebble: invalid options: Options.CacheBytes is -1, want >= 0"},
		{Options{Dir: "d", MemTableBytes: minMemTableBytes - 1}, "persistence/pebble: invalid options: Options.MemTableBytes is 65535, want 65536..1073741824"},
		{Options{Dir: "d", MemTableBytes: maxMemTableBytes + 1}, "persistence/pebble: invalid options: Options.MemTableBytes is 1073741825, want 65536..1073741824"},
	}
	for _, c := range bad {
		if err := c.o.Validate(); !errors.Is(err, ErrInvalidOptions) || err.Error() != c.want {
			t.Errorf("Validate(%+v) = %v, want %q", c.o, err, c.want)
		}
		if _, err := Open(c.o); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("Open(%+v) = %v, want ErrInvalidOptions", c.o, err)
		}
	}
}

func TestGenerationChangesOnEveryMetadataWrite(t *testing.T) {
	s, err := Open(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	g := s.Generation()
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if n := s.Generation(); n == g {
			t.Fatalf("%s left the generation at %d", what, g)
		} else {
			g = n
		}
	}
	step("put task def", s.PutTaskDefs(ctx, []*workflow.TaskDef{{Name: "a"}}))
	step("create workflow def", s.CreateWorkflowDef(ctx, &workflow.WorkflowDef{Name: "w", Version: 1}))
	step("put workflow def", s.PutWorkflowDef(ctx, &workflow.WorkflowDef{Name: "w", Version: 1}))
	step("delete workflow def", s.DeleteWorkflowDef(ctx, "w", 1))
	step("delete task def", s.DeleteTaskDef(ctx, "a"))
}

// TestChangedWakesOnMetadataWrites: the channel Changed returns is closed
// by the next metadata write (put or delete), and not before.
func TestChangedWakesOnMetadataWrites(t *testing.T) {
	s := openTest(t, Options{Dir: "db", FS: vfs.NewMem(), NoSync: true})
	ctx := t.Context()
	ch := s.Changed()
	select {
	case <-ch:
		t.Fatal("Changed closed before any write")
	default:
	}
	if err := s.PutTaskDefs(ctx, []*workflow.TaskDef{{Name: "a"}}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	default:
		t.Fatal("a task def write did not close Changed")
	}
	ch = s.Changed()
	if err := s.DeleteTaskDef(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	default:
		t.Fatal("a task def delete did not close Changed")
	}
}
