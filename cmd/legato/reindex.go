package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/legatohq/legato/pkg/persistence/pebble"
	"github.com/legatohq/legato/pkg/visibility/sqlite"
	"github.com/legatohq/legato/services/indexer"
)

// runReindex is `legato reindex`: it rebuilds the embedded search index
// from the event store, printing its progress and rate. It runs with the
// server stopped: Pebble admits one process at a time. Summaries already
// indexed and newer are kept, so it may be interrupted and run again.
func runReindex(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("reindex", flag.ContinueOnError)
	dataDir := fs.String("data", envOr("LEGATO_DATA", "./data"), "data directory of a stopped server (env LEGATO_DATA)")
	batch := fs.Int("batch", 500, "workflows per index transaction")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *batch < 1 {
		return fmt.Errorf("--batch is %d, want at least 1", *batch)
	}
	shards, err := readShards(*dataDir)
	if err != nil {
		return fmt.Errorf("%s is not a legato data directory: %w", *dataDir, err)
	}
	store, err := pebble.Open(pebble.Options{Dir: filepath.Join(*dataDir, "pebble")})
	if err != nil {
		return fmt.Errorf("opening the event store (is the server still running?): %w", err)
	}
	defer store.Close()
	vs, err := sqlite.Open(sqlite.Options{Path: visibilityPath(*dataDir)})
	if err != nil {
		return err
	}
	defer vs.Close()
	start := time.Now()
	n, err := indexer.Reindex(ctx, store, vs, shards, *batch, func(done int) {
		fmt.Fprintln(os.Stderr, "reindex:", indexer.Rate(done, start))
	})
	if err != nil {
		return err
	}
	fmt.Printf("reindexed %s in %s\n", indexer.Rate(n, start), time.Since(start).Round(time.Millisecond))
	return nil
}
