package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/visibility"
	"github.com/legatohq/legato/pkg/visibility/query"
)

// SearchWorkflows answers a workflow search; errors from the query wrap
// visibility.ErrInvalidQuery.
func (s *Store) SearchWorkflows(ctx context.Context, q visibility.Query) (*visibility.Page[api.WorkflowSummary], error) {
	if err := s.readyText(ctx, q.FreeText); err != nil {
		return nil, err
	}
	return search(ctx, s.r, workflows, q)
}

// SearchTasks answers a task search, like SearchWorkflows.
func (s *Store) SearchTasks(ctx context.Context, q visibility.Query) (*visibility.Page[api.TaskSummary], error) {
	if err := s.readyText(ctx, q.FreeText); err != nil {
		return nil, err
	}
	return search(ctx, s.r, tasks, q)
}

func search[T any](ctx context.Context, db *sql.DB, t *table[T], q visibility.Query) (*visibility.Page[T], error) {
	srch, err := query.Prepare(q, t.schema)
	if err != nil {
		return nil, err
	}
	cond, args := t.where(srch)
	from := " FROM " + t.name + cond

	// One read transaction, so the count and the page agree.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlite: search %s: %w", t.name, err)
	}
	defer func() { _ = tx.Rollback() }() // read-only: nothing to undo
	page := &visibility.Page[T]{Results: []T{}}
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*)"+from, args...).Scan(&page.TotalHits); err != nil {
		return nil, fmt.Errorf("sqlite: search %s: count: %w", t.name, err)
	}
	rows, err := tx.QueryContext(ctx, "SELECT doc"+from+" ORDER BY "+query.OrderBy(srch.Sort, t.schema)+" LIMIT ? OFFSET ?",
		append(args, srch.Size, srch.Start)...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: search %s: %w", t.name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return nil, fmt.Errorf("sqlite: search %s: %w", t.name, err)
		}
		var v T
		if err := json.Unmarshal(doc, &v); err != nil {
			return nil, fmt.Errorf("sqlite: search %s: decode a stored summary: %w", t.name, err)
		}
		page.Results = append(page.Results, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: search %s: %w", t.name, err)
	}
	return page, nil
}

// where renders a prepared search's query and free text, and any extra
// conditions, as a WHERE clause (" WHERE …", or "" for none) and its
// arguments.
func (t *table[T]) where(srch *query.Search, extra ...string) (string, []any) {
	cond, args := query.ToSQL(srch.Where, t.schema)
	var conds []string
	if cond != "" {
		conds = append(conds, cond)
	}
	for _, term := range srch.FreeText {
		c, arg := freeText(t.fts, t.bodySQL, term)
		conds = append(conds, c)
		args = append(args, arg)
	}
	conds = append(conds, extra...)
	if len(conds) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// freeText matches one term or phrase as a case-insensitive substring of
// a summary's free text: a trigram MATCH of the quoted phrase, or, for
// terms too short to make a trigram (which MATCH never finds), a LIKE
// over the same fields read from the row (the FTS table is contentless).
func freeText(fts, bodySQL, term string) (cond string, arg any) {
	if utf8.RuneCountInString(term) >= 3 {
		return "id IN (SELECT rowid FROM " + fts + " WHERE " + fts + " MATCH ?)",
			`"` + strings.ReplaceAll(term, `"`, `""`) + `"`
	}
	return "(" + bodySQL + `) LIKE ? ESCAPE '\'`, "%" + query.LikeEscape(term) + "%"
}
