package pebble

import (
	"fmt"
	"sync"
	"sync/atomic"

	pdb "github.com/cockroachdb/pebble"

	"github.com/legatohq/legato/pkg/persistence"
)

var (
	_ persistence.ExecutionStore = (*Store)(nil)
	_ persistence.MetadataStore  = (*Store)(nil)
)

// Store is a persistence.ExecutionStore and persistence.MetadataStore on
// one pebble database. It is safe for concurrent use: commits of different
// shards run in parallel and share WAL syncs; reads take no lock of ours.
type Store struct {
	db     *pdb.DB
	commit *pdb.WriteOptions // Sync unless Options.NoSync

	// writers recycles the key and JSON scratch buffers of Commit.
	writers sync.Pool

	// metaMu serializes metadata writes so that the check-then-write of
	// CreateWorkflowDef and the Delete*Def calls is atomic. Metadata
	// writes are rare; execution commits and all reads never take it.
	metaMu sync.Mutex
	// metaGen counts metadata writes; see Generation.
	metaGen atomic.Uint64
	// changed is closed at the next metadata write (Changed); nil until
	// someone asks.
	changedMu sync.Mutex
	changed   chan struct{}

	closed atomic.Bool
}

// Open opens (creating if needed) the database in opts.Dir, or returns an
// error wrapping ErrInvalidOptions.
func Open(opts Options) (*Store, error) {
	opts.EnsureDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}

	if err := createDir(opts.FS, opts.Dir); err != nil {
		return nil, err
	}
	cache := pdb.NewCache(opts.CacheBytes)
	defer cache.Unref() // the DB holds its own reference
	db, err := pdb.Open(opts.Dir, &pdb.Options{
		FS:           opts.FS,
		Cache:        cache,
		MemTableSize: uint64(opts.MemTableBytes),
		Logger:       slogLogger{opts.Logger},
	})
	if err != nil {
		return nil, fmt.Errorf("persistence/pebble: open %s: %w", opts.Dir, err)
	}
	s := &Store{db: db, commit: pdb.Sync}
	if opts.NoSync {
		s.commit = pdb.NoSync
	}
	s.writers.New = func() any { return new(batchWriter) }
	return s, nil
}

// Close releases the database; every acknowledged commit is already
// durable in the WAL. It must not run concurrently with other calls, and no
// call may follow it but another Close, which returns nil.
func (s *Store) Close() error {
	if !s.closed.CompareAndSwap(false, true) {
		return nil
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("persistence/pebble: close: %w", err)
	}
	return nil
}
