package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/legatohq/legato/pkg/visibility"
)

// Apply writes b in one transaction: the newest summary of each id in
// the batch (a later one wins a tie), each only if at least as new as the
// stored one, then the removals, which therefore win over summaries of
// the same workflow in the same batch.
func (s *Store) Apply(ctx context.Context, b *visibility.Batch) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: apply: %w", err)
	}
	if err := s.applyTx(ctx, tx, b); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: apply: commit: %w", err)
	}
	return nil
}

func (s *Store) applyTx(ctx context.Context, tx *sql.Tx, b *visibility.Batch) error {
	// The upserts mark their rows' free text pending; text.go writes it.
	if err := upsert(ctx, tx, workflows, b.Workflows); err != nil {
		return err
	}
	if err := upsert(ctx, tx, tasks, b.Tasks); err != nil {
		return err
	}
	for _, id := range b.Removed {
		for _, stmt := range []string{
			"DELETE FROM task_fts WHERE rowid IN (SELECT id FROM task_summary WHERE workflow_id = ?)",
			"DELETE FROM task_summary WHERE workflow_id = ?",
			"DELETE FROM workflow_fts WHERE rowid IN (SELECT id FROM workflow_summary WHERE workflow_id = ?)",
			"DELETE FROM workflow_summary WHERE workflow_id = ?",
		} {
			if _, err := tx.ExecContext(ctx, stmt, id); err != nil {
				return fmt.Errorf("sqlite: apply: remove workflow %s: %w", id, err)
			}
		}
	}
	return s.indexTextDue(ctx, tx)
}

// newest keeps, per id, the item with the highest version, the later one
// on a tie, in the order of their first appearance.
func newest[T any](t *table[T], items []T) []*T {
	at := make(map[string]int, len(items))
	var out []*T
	for i := range items {
		id, v := t.id(&items[i])
		j, seen := at[id]
		if !seen {
			at[id] = len(out)
			out = append(out, &items[i])
			continue
		}
		if _, kept := t.id(out[j]); v >= kept {
			out[j] = &items[i]
		}
	}
	return out
}

// upsert writes the newest of items, each unless the stored one is newer.
func upsert[T any](ctx context.Context, tx *sql.Tx, t *table[T], items []T) error {
	if len(items) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, t.upsertSQL())
	if err != nil {
		return fmt.Errorf("sqlite: apply: prepare %s upsert: %w", t.name, err)
	}
	defer stmt.Close()
	args := make([]any, len(t.cols)+1)
	for _, item := range newest(t, items) {
		id, _ := t.id(item)
		for i, c := range t.cols {
			args[i] = c.value(item)
		}
		doc, err := json.Marshal(item)
		if err != nil {
			return fmt.Errorf("sqlite: apply: encode %s %s: %w", t.name, id, err)
		}
		args[len(t.cols)] = doc
		var rowid int64
		switch err := stmt.QueryRowContext(ctx, args...).Scan(&rowid); {
		case errors.Is(err, sql.ErrNoRows): // the stored summary is newer: kept
		case err != nil:
			return fmt.Errorf("sqlite: apply: upsert %s %s: %w", t.name, id, err)
		}
	}
	return nil
}
