package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"

	_ "modernc.org/sqlite" // the "sqlite" driver

	sqlschema "github.com/legatohq/legato/schema/sqlite"

	"github.com/legatohq/legato/pkg/visibility"
)

// Store is the SQLite read model. Apply may run concurrently with
// searches; Apply calls are serialized on the one writer connection.
type Store struct {
	w *sql.DB // one connection, IMMEDIATE transactions: the only writer
	r *sql.DB // query_only pool for searches
	// textAt is when Apply last indexed pending free text (text.go),
	// in Unix ns.
	textAt atomic.Int64
}

var _ visibility.Store = (*Store)(nil)

// Open opens (creating if need be) the database at opts.Path and brings
// its schema up to date.
func Open(opts Options) (*Store, error) {
	opts.EnsureDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	// Pragmas go in the DSN: the driver runs them on every connection a
	// pool opens, where db.Exec("PRAGMA …") would reach only one.
	pragmas := url.Values{}
	pragmas.Add("_pragma", "busy_timeout("+strconv.FormatInt(opts.BusyTimeout.Milliseconds(), 10)+")")
	pragmas.Add("_pragma", "journal_mode(WAL)")
	pragmas.Add("_pragma", "synchronous(NORMAL)")
	// Statement journals (each upsert keeps one, to undo a half-done
	// statement) in memory, not in a temporary file written row by row.
	pragmas.Add("_pragma", "temp_store(MEMORY)")
	w, err := sql.Open("sqlite", opts.Path+"?"+pragmas.Encode()+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", opts.Path, err)
	}
	w.SetMaxOpenConns(1)
	if err := migrate(w); err != nil {
		return nil, errors.Join(err, w.Close())
	}
	pragmas.Add("_pragma", "query_only(1)")
	r, err := sql.Open("sqlite", opts.Path+"?"+pragmas.Encode())
	if err != nil {
		return nil, errors.Join(fmt.Errorf("sqlite: open %s: %w", opts.Path, err), w.Close())
	}
	r.SetMaxOpenConns(opts.ReadConns)
	return &Store{w: w, r: r}, nil
}

// Close closes both pools.
func (s *Store) Close() error {
	return errors.Join(s.r.Close(), s.w.Close())
}

// migrate applies the schema files numbered above the database's
// user_version, each in its own transaction with the version it sets.
func migrate(db *sql.DB) error {
	ctx := context.Background()
	var have int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&have); err != nil {
		return fmt.Errorf("sqlite: read schema version: %w", err)
	}
	names, err := fs.Glob(sqlschema.Files(), "*.sql")
	if err != nil {
		return fmt.Errorf("sqlite: list schema files: %w", err)
	}
	for _, name := range names { // Glob sorts, and the names are zero-padded
		n, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("sqlite: schema file %s: no version number: %w", name, err)
		}
		if n <= have {
			continue
		}
		body, err := fs.ReadFile(sqlschema.Files(), name)
		if err != nil {
			return fmt.Errorf("sqlite: read schema file %s: %w", name, err)
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("sqlite: apply %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return errors.Join(fmt.Errorf("sqlite: apply %s: %w", name, err), tx.Rollback())
		}
		// PRAGMA takes no placeholder; n is a parsed integer.
		if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(n)); err != nil {
			return errors.Join(fmt.Errorf("sqlite: apply %s: %w", name, err), tx.Rollback())
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("sqlite: apply %s: %w", name, err)
		}
	}
	return nil
}
