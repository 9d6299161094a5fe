package pebble

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/cockroachdb/pebble/vfs"
	"github.com/cockroachdb/pebble/vfs/errorfs"
)

// Crash tests (STYLE.md habit 6). A crash is simulated the way pebble v1's
// own tests do it on a strict MemFS: stop honouring syncs
// (SetIgnoreSyncs), close the DB, drop everything not synced
// (ResetToSyncedState), honour syncs again and reopen. The small memtable
// makes flushes and compactions run during the workload, so crashes also
// land in those.

func crashOptions(fs vfs.FS) Options {
	return Options{Dir: "db", FS: fs, MemTableBytes: minMemTableBytes, Logger: quietLogger()}
}

func mustOpen(t *testing.T, opts Options) *Store {
	t.Helper()
	s, err := Open(opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

// crash closes s as if the machine lost power and returns the store
// reopened on what was synced.
func crash(t *testing.T, s *Store, fs *vfs.MemFS) *Store {
	t.Helper()
	fs.SetIgnoreSyncs(true)
	if err := s.Close(); err != nil {
		t.Fatalf("Close at crash: %v", err)
	}
	fs.ResetToSyncedState()
	fs.SetIgnoreSyncs(false)
	return mustOpen(t, crashOptions(fs))
}

// TestCrashAfterAcknowledgedCommits commits the workload and crashes after
// every k-th acknowledged commit: every acknowledged batch must be there.
func TestCrashAfterAcknowledgedCommits(t *testing.T) {
	for _, k := range []int{1, 3, 7} {
		t.Run(fmt.Sprintf("every%d", k), func(t *testing.T) {
			fs := vfs.NewStrictMem()
			s := mustOpen(t, crashOptions(fs))
			defer func() { _ = s.Close() }()
			for i := range crashBatches {
				if err := s.Commit(t.Context(), crashBatch(i)); err != nil {
					t.Fatalf("Commit(%d): %v", i, err)
				}
				if (i+1)%k != 0 {
					continue
				}
				s = crash(t, s, fs)
				if n := crashApplied(t, s); n != i+1 {
					t.Fatalf("after crash following batch %d: store holds %d batches, want %d", i, n, i+1)
				}
			}
		})
	}
}

// TestCrashAtEveryWrite crashes at the k-th file-system write, Open's
// included, for every k until a run completes without reaching k. Batches
// acknowledged before the crash must survive; the one in flight may or
// may not; none may be half there.
func TestCrashAtEveryWrite(t *testing.T) {
	const maxWrites = 5000
	for k := int32(0); ; k++ {
		if k > maxWrites {
			t.Fatalf("still crashing after %d writes", maxWrites)
		}
		if !crashAtWrite(t, k) {
			t.Logf("the workload makes %d writes; each was a crash point", k)
			return
		}
		if t.Failed() {
			return
		}
	}
}

// crashAtWrite runs the workload with a crash at write k and reports
// whether the crash happened.
func crashAtWrite(t *testing.T, k int32) bool {
	t.Helper()
	mem := vfs.NewStrictMem()
	var crashed atomic.Bool
	var countdown atomic.Int32
	countdown.Store(k)
	fs := errorfs.Wrap(mem, errorfs.InjectorFunc(func(op errorfs.Op, _ string) error {
		if op.OpKind() == errorfs.OpKindWrite && countdown.Add(-1) == -1 {
			// Mark first: a commit that sees crashed == false after its
			// ack had its sync honoured.
			crashed.Store(true)
			mem.SetIgnoreSyncs(true)
		}
		return nil
	}))

	// The countdown runs from before Open: a crash while the database is
	// being created must leave one that opens.
	s := mustOpen(t, crashOptions(fs))
	acked, attempted := 0, 0
	for i := range crashBatches {
		attempted = i + 1
		if err := s.Commit(t.Context(), crashBatch(i)); err != nil {
			t.Fatalf("k=%d: Commit(%d): %v", k, i, err)
		}
		if crashed.Load() {
			break
		}
		acked = i + 1
	}
	if err := s.Close(); err != nil {
		t.Fatalf("k=%d: Close: %v", k, err)
	}
	if !crashed.Load() {
		return false
	}

	mem.ResetToSyncedState()
	mem.SetIgnoreSyncs(false)
	s = mustOpen(t, crashOptions(mem))
	defer func() { _ = s.Close() }()
	n := crashApplied(t, s)
	if n < acked || n > attempted {
		t.Errorf("k=%d: store holds %d batches; %d were acknowledged, %d attempted", k, n, acked, attempted)
	}
	return true
}

// TestNoSync checks that a NoSync store commits and reads back, and that a
// clean Close keeps everything (only a crash may lose unsynced batches).
func TestNoSync(t *testing.T) {
	fs := vfs.NewStrictMem()
	opts := crashOptions(fs)
	opts.NoSync = true
	s := mustOpen(t, opts)
	for i := range crashBatches {
		if err := s.Commit(t.Context(), crashBatch(i)); err != nil {
			t.Fatalf("Commit(%d): %v", i, err)
		}
	}
	if n := crashApplied(t, s); n != crashBatches {
		t.Fatalf("store holds %d batches, want %d", n, crashBatches)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	fs.ResetToSyncedState()
	s = mustOpen(t, opts)
	defer func() { _ = s.Close() }()
	if n := crashApplied(t, s); n != crashBatches {
		t.Fatalf("after clean close: store holds %d batches, want %d", n, crashBatches)
	}
}
