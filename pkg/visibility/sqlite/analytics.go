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
//   - durations: one window over PARTITION BY group ORDER BY value gives
//     each row its rank, the group's count, sum and max; only the rows at
//     the asked nearest ranks, rn = (p*n+99)/100 in integer maths, leave
//     the statement;
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

// each runs one analytics statement and calls scan for every row.
func (s *Store) each(ctx context.Context, op, stmt string, args []any, scan func(*sql.Rows) error) error {
	rows, err := s.r.QueryContext(ctx, stmt, args...)
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
	where, args, err := filter(workflows, q.Filter)
	if err != nil {
		return nil, err
	}
	out := &visibility.Count{}
	if q.GroupBy == "" {
		err := s.each(ctx, "count", "SELECT COUNT(*) FROM "+workflows.name+where, args, func(r *sql.Rows) error {
			return r.Scan(&out.Count)
		})
		return out, err
	}
	out.Groups = map[string]int64{}
	c := col(workflows.schema, q.GroupBy)
	err = s.each(ctx, "count", "SELECT "+c+", COUNT(*) FROM "+workflows.name+where+" GROUP BY "+c, args, func(r *sql.Rows) error {
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
	iv, _ := visibility.ParseInterval(q.Interval) // Validate has checked it
	step := iv.Milliseconds()
	where, args, err := filter(workflows, q.Filter, "start_ms IS NOT NULL")
	if err != nil {
		return nil, err
	}
	c := col(workflows.schema, q.GroupBy)
	stmt := "SELECT start_ms / ? * ? AS bucket, " + c + ", COUNT(*) FROM " + workflows.name + where + " GROUP BY bucket, " + c
	counts := map[int64]map[string]int64{}
	err = s.each(ctx, "workflow counts", stmt, append([]any{step, step}, args...), func(r *sql.Rows) error {
		var bucket, n int64
		var key sql.NullString
		if err := r.Scan(&bucket, &key, &n); err != nil {
			return err
		}
		if counts[bucket] == nil {
			counts[bucket] = map[string]int64{}
		}
		if key.Valid {
			counts[bucket][key.String] = n
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
	// duration_ms is NULL for a workflow that ended within its start's
	// millisecond (unset values are stored as NULL): that is 0.
	return durations(ctx, s, workflows, q, "COALESCE(duration_ms, 0)", "end_ms IS NOT NULL")
}

// TaskDurations measures executionTime of the tasks that started and
// ended, or queueWaitTime of the tasks that started.
func (s *Store) TaskDurations(ctx context.Context, q visibility.DurationsQuery) (*visibility.Durations, error) {
	q.EnsureDefaults(true)
	if err := q.Validate(true); err != nil {
		return nil, err
	}
	ran := "start_ms IS NOT NULL"
	if q.Metric == "executionTime" {
		ran += " AND end_ms IS NOT NULL"
	}
	return durations(ctx, s, tasks, q, col(tasks.schema, q.Metric), ran)
}

func durations[T any](ctx context.Context, s *Store, t *table[T], q visibility.DurationsQuery, value, cond string) (*visibility.Durations, error) {
	key := col(t.schema, q.GroupBy)
	where, args, err := filter(t, q.Filter, cond, key+" IS NOT NULL")
	if err != nil {
		return nil, err
	}
	ranks := strings.TrimSuffix(strings.Repeat("(? * n + 99) / 100, ", len(q.Percentiles)), ", ")
	stmt := "SELECT k, n, total, mx, rn, v FROM (SELECT " + key + " AS k, " + value + " AS v, " +
		"ROW_NUMBER() OVER w AS rn, COUNT(*) OVER w AS n, SUM(" + value + ") OVER w AS total, MAX(" + value + ") OVER w AS mx" +
		" FROM " + t.name + where +
		" WINDOW w AS (PARTITION BY " + key + " ORDER BY " + value + " ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))" +
		" WHERE rn IN (" + ranks + ")"
	for _, p := range q.Percentiles {
		args = append(args, int64(p))
	}
	groups := map[string]*visibility.DurationGroup{}
	err = s.each(ctx, "durations", stmt, args, func(r *sql.Rows) error {
		var k string
		var n, total, mx, rn, v int64
		if err := r.Scan(&k, &n, &total, &mx, &rn, &v); err != nil {
			return err
		}
		g := groups[k]
		if g == nil {
			g = &visibility.DurationGroup{Key: k, Count: n, AvgMs: float64(total) / float64(n), MaxMs: mx, Percentiles: map[string]int64{}}
			groups[k] = g
		}
		for _, p := range q.Percentiles {
			if (int64(p)*n+99)/100 == rn {
				g.Percentiles[strconv.Itoa(p)] = v
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &visibility.Durations{Groups: make([]visibility.DurationGroup, 0, len(groups))}
	for _, g := range groups {
		out.Groups = append(out.Groups, *g)
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
	err = s.each(ctx, "top failures", stmt, append(args, q.Limit), func(r *sql.Rows) error {
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
