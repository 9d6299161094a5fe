package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/legatohq/legato/pkg/visibility/query"
)

// Free text is indexed apart from the summaries (schema 003): an upsert
// marks its row's text pending, and indexText writes the FTS bodies of
// every pending row at once — at the end of an Apply once textEvery has
// passed since the last time, and before any search or analytics call
// that has free text, so free text never misses a summary Apply wrote.
// A summary rewritten several times in between (a workflow's rounds) costs
// one FTS write instead of one each, and FTS5 is written in one run
// rather than after each upsert's statement savepoint.
const textEvery = time.Second

// indexTextDue indexes pending text in tx if textEvery has passed since
// it last ran. Only Apply calls it, on the writer.
func (s *Store) indexTextDue(ctx context.Context, tx *sql.Tx) error {
	if time.Since(time.Unix(0, s.textAt.Load())) < textEvery {
		return nil
	}
	if err := indexText(ctx, tx); err != nil {
		return err
	}
	s.textAt.Store(time.Now().UnixNano())
	return nil
}

// readyText makes the free text current before a search that uses it.
func (s *Store) readyText(ctx context.Context, freeText string) error {
	if len(query.ParseFreeText(freeText)) == 0 {
		return nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: free text: %w", err)
	}
	if err := indexText(ctx, tx); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: free text: %w", err)
	}
	return nil
}

// indexText writes the FTS bodies of both tables' pending rows.
func indexText(ctx context.Context, tx *sql.Tx) error {
	if err := indexTableText(ctx, tx, workflows); err != nil {
		return err
	}
	return indexTableText(ctx, tx, tasks)
}

func indexTableText[T any](ctx context.Context, tx *sql.Tx, t *table[T]) error {
	rows, err := tx.QueryContext(ctx, "SELECT id, doc FROM "+t.name+" WHERE text_pending = 1")
	if err != nil {
		return fmt.Errorf("sqlite: free text of %s: %w", t.name, err)
	}
	type pending struct {
		id   int64
		body string
	}
	var todo []pending
	for rows.Next() {
		var id int64
		var doc []byte
		if err := rows.Scan(&id, &doc); err != nil {
			rows.Close()
			return fmt.Errorf("sqlite: free text of %s: %w", t.name, err)
		}
		var v T
		if err := json.Unmarshal(doc, &v); err != nil {
			rows.Close()
			return fmt.Errorf("sqlite: free text of %s: decode a stored summary: %w", t.name, err)
		}
		todo = append(todo, pending{id, t.body(&v)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: free text of %s: %w", t.name, err)
	}
	if len(todo) == 0 {
		return nil
	}
	// Prepared once: preparing each row's statements costs more than
	// running them.
	del, err := tx.PrepareContext(ctx, "DELETE FROM "+t.fts+" WHERE rowid = ?")
	if err != nil {
		return fmt.Errorf("sqlite: free text of %s: %w", t.name, err)
	}
	defer del.Close()
	put, err := tx.PrepareContext(ctx, "INSERT INTO "+t.fts+" (rowid, body) VALUES (?, ?)")
	if err != nil {
		return fmt.Errorf("sqlite: free text of %s: %w", t.name, err)
	}
	defer put.Close()
	for _, p := range todo {
		if _, err := del.ExecContext(ctx, p.id); err != nil {
			return fmt.Errorf("sqlite: free text of %s row %d: %w", t.name, p.id, err)
		}
		if _, err := put.ExecContext(ctx, p.id, p.body); err != nil {
			return fmt.Errorf("sqlite: free text of %s row %d: %w", t.name, p.id, err)
		}
	}
	if _, err := tx.ExecContext(ctx, "UPDATE "+t.name+" SET text_pending = 0 WHERE text_pending = 1"); err != nil {
		return fmt.Errorf("sqlite: free text of %s: %w", t.name, err)
	}
	return nil
}
