package pebble

import (
	"fmt"
	"log/slog"

	"github.com/cockroachdb/pebble/vfs"
)

// Defaults used for zero Options fields.
const (
	DefaultCacheBytes    = 64 << 20
	DefaultMemTableBytes = 32 << 20

	minMemTableBytes = 64 << 10
	maxMemTableBytes = 1 << 30
)

// Options configure a Store. The zero value of every field but Dir means
// its default.
type Options struct {
	// Dir is the directory of the database; it is created if missing.
	Dir string
	// FS is the file system; nil means vfs.Default. Tests pass
	// vfs.NewStrictMem() to simulate crashes.
	FS vfs.FS
	// NoSync makes Commit return before its WAL write is synced: a crash
	// may then lose acknowledged batches (never half of one). Only for
	// benchmarks that compare. Metadata writes are synced regardless.
	NoSync bool
	// CacheBytes is the size of the block cache; 0 means DefaultCacheBytes.
	CacheBytes int64
	// MemTableBytes is the size of one memtable; 0 means
	// DefaultMemTableBytes. Must be in [64 KiB, 1 GiB].
	MemTableBytes int64
	// Logger receives pebble's messages; nil means slog.Default().
	Logger *slog.Logger
}

// EnsureDefaults fills zero fields with their defaults.
func (o *Options) EnsureDefaults() {
	if o.FS == nil {
		o.FS = vfs.Default
	}
	if o.CacheBytes == 0 {
		o.CacheBytes = DefaultCacheBytes
	}
	if o.MemTableBytes == 0 {
		o.MemTableBytes = DefaultMemTableBytes
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Validate names the first field whose value is out of range, and the
// value. Zero values are valid: they mean the default.
func (o *Options) Validate() error {
	switch {
	case o.Dir == "":
		return fmt.Errorf("%w: Options.Dir is empty, want a directory", ErrInvalidOptions)
	case o.CacheBytes < 0:
		return fmt.Errorf("%w: Options.CacheBytes is %d, want >= 0", ErrInvalidOptions, o.CacheBytes)
	case o.MemTableBytes != 0 && (o.MemTableBytes < minMemTableBytes || o.MemTableBytes > maxMemTableBytes):
		return fmt.Errorf("%w: Options.MemTableBytes is %d, want %d..%d",
			ErrInvalidOptions, o.MemTableBytes, minMemTableBytes, maxMemTableBytes)
	}
	return nil
}
