package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/legatohq/legato/pkg/visibility"
	"github.com/legatohq/legato/pkg/visibility/query"
)

// Analytics. Every query is one statement over the filtered rows (the
// filter is translated as a search's, query.PrepareFilter), grouped in
// SQL so that only groups, never rows, come back:
//   - counts: GROUP BY the bucket start (start_ms / step * step) and the
//     group column; the empty buckets are filled in Go
//     (visibility.NewHistogram);
//   - durations: a GROUP BY for count, sum and max per group, then the
//     value at each nearest rank, rank = (p*n+99)/100 in integer maths,
//     as ORDER BY value LIMIT 1 OFFSET rank-1 per group over a partial
//     (group, value) index: a few index walks rather than a sort of every
//     row (a ROW_NUMBER window over the rows was ten times slower);
//   - top failures: GROUP BY reason and type, the reason's total as a
//     window SUM over those groups, and DENSE_RANK by total to keep the
//     top reasons with all their types.
//
// A group column's NULL (a summary lacking the field) counts in totals
// but is no group, as in Elasticsearch's terms aggregation.

var _ visibility.Analytics = (*Store)(nil)

// col is the column of a schema field the analytics name.
func col(s *query.Schema, field string) string {
	f, _ := s.Field(field)
	return f.Column
}

// filter prepares f against t and renders it with the extra conditions.
func filter[T any](t *table[T], f visibility.Filter, extra ...string) (string, []any, error) {
	srch, err := query.PrepareFilter(f, t.schema)
	if err != nil {
		return "", nil, err
	}
	where, args := t.where(srch, extra...)
	return where, args, nil
}

// queryer is a pool or a transaction.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// each runs one analytics statement and calls scan for every row.
func each(ctx context.Context, db queryer, op, stmt string, args []any, scan func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, stmt, args...)
	if err != nil {
		return fmt.Errorf("sqlite: %s: %w", op, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("sqlite: %s: %w", op, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: %s: %w", op, err)
	}
	return nil
}

// CountWorkflows counts the matching workflows, per group if asked.
func (s *Store) CountWorkflows(ctx context.Context, q visibility.CountQuery) (*visibility.Count, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if err := s.readyText(ctx, q.FreeText); err != nil {
		return nil, err
	}
	where, args, err := filter(workflows, q.Filter)
	if err != nil {
		return nil, err
	}
	out := &visibility.Count{}
	if q.GroupBy == "" {
		err := each(ctx, s.r, "count", "SELECT COUNT(*) FROM "+workflows.name+where, args, func(r *sql.Rows) error {
			return r.Scan(&out.Count)
		})
		return out, err
	}
	out.Groups = map[string]int64{}
	c := col(workflows.schema, q.GroupBy)
	err = each(ctx, s.r, "count", "SELECT "+c+", COUNT(*) FROM "+workflows.name+where+" GROUP BY "+c, args, func(r *sql.Rows) error {
		var key sql.NullString
		var n int64
		if err := r.Scan(&key, &n); err != nil {
			return err
		}
		out.Count += n
		if key.Valid {
			out.Groups[key.String] = n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// WorkflowCounts counts workflow starts per interval and group.
func (s *Store) WorkflowCounts(ctx context.Context, q visibility.HistogramQuery) (*visibility.Histogram, error) {
	q.EnsureDefaults()
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if err := s.readyText(ctx, q.FreeText); err != nil {
		return nil, err
	}
	iv, _ := visibility.ParseInterval(q.Interval) // Validate has checked it
	step := iv.Milliseconds()
	// No start_ms IS NOT NULL: it would pick the start_ms index over the
	// covering (status, start_ms); the NULL bucket is skipped below.
	where, args, err := filter(workflows, q.Filter)
	if err != nil {
		return nil, err
	}
	c := col(workflows.schema, q.GroupBy)
	stmt := "SELECT start_ms / ? * ? AS bucket, " + c + ", COUNT(*) FROM " + workflows.name + where + " GROUP BY bucket, " + c
	counts := map[int64]map[string]int64{}
	err = each(ctx, s.r, "workflow counts", stmt, append([]any{step, step}, args...), func(r *sql.Rows) error {
		var bucket sql.NullInt64
		var key sql.NullString
		var n int64
		if err := r.Scan(&bucket, &key, &n); err != nil || !bucket.Valid {
			return err
		}
		b := bucket.Int64
		if counts[b] == nil {
			counts[b] = map[string]int64{}
		}
		if key.Valid {
			counts[b][key.String] = n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return visibility.NewHistogram(q, counts)
}

// WorkflowDurations measures durationMs of the workflows that ended.
func (s *Store) WorkflowDurations(ctx context.Context, q visibility.DurationsQuery) (*visibility.Durations, error) {
	q.EnsureDefaults(false)
	if err := q.Validate(false); err != nil {
		return nil, err
	}
	if err := s.readyText(ctx, q.FreeText); err != nil {
		return nil, err
	}
	return durations(ctx, s, workflows, q, "duration_ms", "end_ms IS NOT NULL")
}

// TaskDurations measures executionTime of the tasks that started and
// ended, or queueWaitTime of the tasks that started.
func (s *Store) TaskDurations(ctx context.Context, q visibility.DurationsQuery) (*visibility.Durations, error) {
	q.EnsureDefaults(true)
	if err := q.Validate(true); err != nil {
		return nil, err
	}
	if err := s.readyText(ctx, q.FreeText); err != nil {
		return nil, err
	}
	// Each condition is its index's WHERE (002_analytics.sql).
	ran := "start_ms > 0"
	if q.Metric == "executionTime" {
		ran = "start_ms IS NOT NULL AND end_ms IS NOT NULL"
	}
	return durations(ctx, s, tasks, q, col(tasks.schema, q.Metric), ran)
}

// durations answers a DurationsQuery over column c of the rows that meet
// cond, in one read transaction: a GROUP BY for each group's count, sum
// and max, then per group and asked rank one ORDER BY c LIMIT 1 OFFSET
// rank-1, which walks the partial (group, c) index of 002_analytics.sql
// instead of sorting. A NULL c (a workflow that ended within its start's
// millisecond, stored as no duration) counts as 0 and sorts first, as 0
// would.
func durations[T any](ctx context.Context, s *Store, t *table[T], q visibility.DurationsQuery, c, cond string) (*visibility.Durations, error) {
	key := col(t.schema, q.GroupBy)
	where, args, err := filter(t, q.Filter, cond)
	if err != nil {
		return nil, err
	}
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlite: durations: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // read-only: nothing to undo
	out := &visibility.Durations{Groups: []visibility.DurationGroup{}}
	stmt := "SELECT " + key + ", COUNT(*), SUM(COALESCE(" + c + ", 0)), MAX(COALESCE(" + c + ", 0)) FROM " + t.name + where + " GROUP BY " + key
	err = each(ctx, tx, "durations", stmt, args, func(r *sql.Rows) error {
		var k sql.NullString
		var n, sum, mx int64
		if err := r.Scan(&k, &n, &sum, &mx); err != nil || !k.Valid {
			return err
		}
		out.Groups = append(out.Groups, visibility.DurationGroup{Key: k.String, Count: n, AvgMs: float64(sum) / float64(n), MaxMs: mx,
			Percentiles: map[string]int64{}})
		return nil
	})
	if err != nil {
		return nil, err
	}
	where, args, _ = filter(t, q.Filter, cond, key+" = ?") // prepared above
	stmt = "SELECT COALESCE(" + c + ", 0) FROM " + t.name + where + " ORDER BY " + c + " LIMIT 1 OFFSET ?"
	for _, g := range out.Groups {
		for _, p := range q.Percentiles {
			rank := (int64(p)*g.Count + 99) / 100 // nearest rank, 1-based
			err := each(ctx, tx, "durations", stmt, append(slices.Clip(args), g.Key, rank-1), func(r *sql.Rows) error {
				var v int64
				err := r.Scan(&v)
				g.Percentiles[strconv.Itoa(p)] = v
				return err
			})
			if err != nil {
				return nil, err
			}
		}
	}
	slices.SortFunc(out.Groups, func(a, b visibility.DurationGroup) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Key, b.Key))
	})
	return out, nil
}

// TopFailures groups failed workflows or tasks by failure reason.
func (s *Store) TopFailures(ctx context.Context, q visibility.FailuresQuery) (*visibility.Failures, error) {
	q.EnsureDefaults()
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if err := s.readyText(ctx, q.FreeText); err != nil {
		return nil, err
	}
	if q.OfTasks() {
		return topFailures(ctx, s, tasks, q)
	}
	return topFailures(ctx, s, workflows, q)
}

func topFailures[T any](ctx context.Context, s *Store, t *table[T], q visibility.FailuresQuery) (*visibility.Failures, error) {
	failed := "status IN (" + strings.TrimSuffix(strings.Repeat("?, ", len(visibility.FailedStatuses)), ", ") + ")"
	where, args, err := filter(t, q.Filter, "failure_reason IS NOT NULL", failed)
	if err != nil {
		return nil, err
	}
	for _, st := range visibility.FailedStatuses {
		args = append(args, st)
	}
	key := col(t.schema, q.GroupBy)
	stmt := "SELECT r, k, n, total FROM (SELECT r, k, n, total, DENSE_RANK() OVER (ORDER BY total DESC, r) AS rk FROM (" +
		"SELECT failure_reason AS r, " + key + " AS k, COUNT(*) AS n, SUM(COUNT(*)) OVER (PARTITION BY failure_reason) AS total" +
		" FROM " + t.name + where + " GROUP BY failure_reason, " + key + "))" +
		" WHERE rk <= ? ORDER BY total DESC, r"
	out := &visibility.Failures{Groups: []visibility.FailureGroup{}}
	err = each(ctx, s.r, "top failures", stmt, append(args, q.Limit), func(r *sql.Rows) error {
		var reason string
		var key sql.NullString
		var n, total int64
		if err := r.Scan(&reason, &key, &n, &total); err != nil {
			return err
		}
		if len(out.Groups) == 0 || out.Groups[len(out.Groups)-1].Reason != reason {
			out.Groups = append(out.Groups, visibility.FailureGroup{Reason: reason, Count: total, By: map[string]int64{}})
		}
		if key.Valid {
			out.Groups[len(out.Groups)-1].By[key.String] = n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
