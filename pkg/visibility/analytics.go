package visibility

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Analytics answers aggregate questions over the summaries: how many
// workflows started per interval, how long workflows and tasks take, and
// why they fail. Backends: sqlite/ (embedded). Every method first fills
// its request's zero fields with their defaults and validates it; a bad
// request is an error wrapping ErrInvalidQuery.
//
// Group keys are the summaries' values; a summary lacking the grouped
// field counts in totals but in no group (Elasticsearch's terms
// aggregation does the same). Groups are ordered by count, most first,
// then by key.
type Analytics interface {
	// CountWorkflows counts the workflows that match, and per GroupBy
	// value when one is asked.
	CountWorkflows(ctx context.Context, q CountQuery) (*Count, error)
	// WorkflowCounts counts the workflows started in each Interval,
	// per GroupBy value, with the empty intervals between From and To
	// (or the matches' first and last start) filled.
	WorkflowCounts(ctx context.Context, q HistogramQuery) (*Histogram, error)
	// WorkflowDurations measures durationMs over terminal workflows
	// (those with an end time).
	WorkflowDurations(ctx context.Context, q DurationsQuery) (*Durations, error)
	// TaskDurations measures a task metric: executionTime over tasks
	// that started and ended, queueWaitTime over tasks that started.
	TaskDurations(ctx context.Context, q DurationsQuery) (*Durations, error)
	// TopFailures groups failed workflows (GroupBy workflowType) or tasks
	// (GroupBy taskType) by their normalized failureReason, most frequent
	// first. Failed means a status in FailedStatuses.
	TopFailures(ctx context.Context, q FailuresQuery) (*Failures, error)
}

// Filter narrows an analytics request as a search is narrowed: Query and
// FreeText as in Query, and From and To (epoch ms, 0 for no bound)
// bounding startTime to [From, To).
type Filter struct {
	Query, FreeText string
	From, To        int64
}

// Limits and defaults of the analytics requests.
const (
	// MaxBuckets caps a histogram, filled buckets included.
	MaxBuckets = 10000
	// MaxFailureGroups caps FailuresQuery.Limit.
	MaxFailureGroups = 1000
	// DefaultInterval is a histogram's interval when none is given.
	DefaultInterval = "1h"
	// DefaultFailureGroups is FailuresQuery.Limit when zero.
	DefaultFailureGroups = 10
)

// DefaultPercentiles are a DurationsQuery's percentiles when none are
// given.
var DefaultPercentiles = []int{50, 95, 99}

// FailedStatuses are the workflow and task statuses TopFailures counts.
var FailedStatuses = []string{"FAILED", "FAILED_WITH_TERMINAL_ERROR", "TIMED_OUT"}

// CountQuery asks how many workflows match, and how many per value of
// GroupBy (status or workflowType; "" for no groups).
type CountQuery struct {
	Filter
	GroupBy string
}

// Count answers a CountQuery. Groups is nil without GroupBy.
type Count struct {
	Count  int64            `json:"count"`
	Groups map[string]int64 `json:"groups,omitzero"`
}

// HistogramQuery asks for workflow starts per Interval and group.
type HistogramQuery struct {
	Filter
	// Interval is a positive whole number of s, m, h or d ("1h"); the
	// buckets start at multiples of it since the epoch (UTC days).
	// Default DefaultInterval.
	Interval string
	// GroupBy is status or workflowType; default status.
	GroupBy string
}

// Histogram answers a HistogramQuery: one bucket per interval, in order.
type Histogram struct {
	Interval string   `json:"interval"`
	Buckets  []Bucket `json:"buckets"`
}

// Bucket is the counts per group of the workflows started in
// [Time, Time+interval).
type Bucket struct {
	Time   time.Time        `json:"time"`
	Counts map[string]int64 `json:"counts"`
}

// DurationsQuery asks for duration statistics per group.
type DurationsQuery struct {
	Filter
	// GroupBy: workflowType (the default) for workflows; taskType (the
	// default) or taskDefName for tasks.
	GroupBy string
	// Metric: durationMs (the only one, and the default) for workflows;
	// executionTime (the default) or queueWaitTime for tasks.
	Metric string
	// Percentiles are each in 1..100; default DefaultPercentiles.
	Percentiles []int
}

// Durations answers a DurationsQuery.
type Durations struct {
	Groups []DurationGroup `json:"groups"`
}

// DurationGroup is one group's statistics in ms. Percentiles are keyed
// by the percentile ("95"). The SQLite store computes them by nearest
// rank (the smallest value with at least p% of the values at or below
// it); Elasticsearch's TDigest interpolates, exact only on small sets.
type DurationGroup struct {
	Key         string           `json:"key"`
	Count       int64            `json:"count"`
	AvgMs       float64          `json:"avgMs"`
	MaxMs       int64            `json:"maxMs"`
	Percentiles map[string]int64 `json:"percentiles"`
}

// FailuresQuery asks for the most frequent failure reasons.
type FailuresQuery struct {
	Filter
	// GroupBy is workflowType (failed workflows, the default) or
	// taskType (failed tasks).
	GroupBy string
	// Limit is how many reasons to return, 1..MaxFailureGroups; default
	// DefaultFailureGroups.
	Limit int
}

// Failures answers a FailuresQuery, most frequent reason first.
type Failures struct {
	Groups []FailureGroup `json:"groups"`
}

// FailureGroup is one normalized failure reason, how often it occurred,
// and how often per workflow or task type.
type FailureGroup struct {
	Reason string           `json:"reason"`
	Count  int64            `json:"count"`
	By     map[string]int64 `json:"by"`
}

// OfTasks says whether q is over tasks rather than workflows.
func (q *FailuresQuery) OfTasks() bool { return q.GroupBy == "taskType" }

// EnsureDefaults fills the zero fields with their defaults.
func (q *HistogramQuery) EnsureDefaults() {
	if q.Interval == "" {
		q.Interval = DefaultInterval
	}
	if q.GroupBy == "" {
		q.GroupBy = "status"
	}
}

// Validate checks a defaulted q, including its bucket count when both
// From and To are set.
func (q *HistogramQuery) Validate() error {
	iv, err := ParseInterval(q.Interval)
	if err != nil {
		return err
	}
	if err := q.Filter.validate(); err != nil {
		return err
	}
	if q.From != 0 && q.To != 0 {
		if _, err := bucketRange(iv.Milliseconds(), q.From, q.To-1); err != nil {
			return err
		}
	}
	return oneOf("groupBy", q.GroupBy, "status", "workflowType")
}

// Validate checks a defaulted q.
func (q *CountQuery) Validate() error {
	if err := q.Filter.validate(); err != nil {
		return err
	}
	if q.GroupBy == "" {
		return nil
	}
	return oneOf("groupBy", q.GroupBy, "status", "workflowType")
}

// EnsureDefaults fills the zero fields with their defaults, for workflow
// durations or (tasks) task durations.
func (q *DurationsQuery) EnsureDefaults(tasks bool) {
	switch {
	case q.GroupBy == "" && tasks:
		q.GroupBy = "taskType"
	case q.GroupBy == "":
		q.GroupBy = "workflowType"
	}
	switch {
	case q.Metric == "" && tasks:
		q.Metric = "executionTime"
	case q.Metric == "":
		q.Metric = "durationMs"
	}
	if len(q.Percentiles) == 0 {
		q.Percentiles = slices.Clone(DefaultPercentiles)
	}
}

// Validate checks a defaulted q, for workflow or (tasks) task durations.
func (q *DurationsQuery) Validate(tasks bool) error {
	if err := q.Filter.validate(); err != nil {
		return err
	}
	for _, p := range q.Percentiles {
		if p < 1 || p > 100 {
			return fmt.Errorf("%w: percentile %d is not in 1..100", ErrInvalidQuery, p)
		}
	}
	if tasks {
		if err := oneOf("groupBy", q.GroupBy, "taskType", "taskDefName"); err != nil {
			return err
		}
		return oneOf("metric", q.Metric, "executionTime", "queueWaitTime")
	}
	if err := oneOf("groupBy", q.GroupBy, "workflowType"); err != nil {
		return err
	}
	return oneOf("metric", q.Metric, "durationMs")
}

// EnsureDefaults fills the zero fields with their defaults.
func (q *FailuresQuery) EnsureDefaults() {
	if q.GroupBy == "" {
		q.GroupBy = "workflowType"
	}
	if q.Limit == 0 {
		q.Limit = DefaultFailureGroups
	}
}

// Validate checks a defaulted q.
func (q *FailuresQuery) Validate() error {
	if err := q.Filter.validate(); err != nil {
		return err
	}
	if q.Limit < 1 || q.Limit > MaxFailureGroups {
		return fmt.Errorf("%w: limit %d is not in 1..%d", ErrInvalidQuery, q.Limit, MaxFailureGroups)
	}
	return oneOf("groupBy", q.GroupBy, "workflowType", "taskType")
}

func (f *Filter) validate() error {
	if f.From < 0 || f.To < 0 {
		return fmt.Errorf("%w: from %d, to %d: must not be negative", ErrInvalidQuery, f.From, f.To)
	}
	if f.From != 0 && f.To != 0 && f.To <= f.From {
		return fmt.Errorf("%w: to (%d) must be after from (%d)", ErrInvalidQuery, f.To, f.From)
	}
	return nil
}

func oneOf(param, v string, valid ...string) error {
	if slices.Contains(valid, v) {
		return nil
	}
	return fmt.Errorf("%w: %s %q is not one of %s", ErrInvalidQuery, param, v, strings.Join(valid, ", "))
}

// maxIntervalCount keeps n×unit far from overflowing a Duration.
const maxIntervalCount = 1_000_000

// ParseInterval reads a histogram interval: a positive whole number
// followed by s, m, h or d ("15m", "1d").
func ParseInterval(s string) (time.Duration, error) {
	units := map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour}
	if len(s) >= 2 {
		unit, ok := units[s[len(s)-1]]
		n, err := strconv.Atoi(s[:len(s)-1])
		if ok && err == nil && n >= 1 && n <= maxIntervalCount && s[0] != '+' {
			return time.Duration(n) * unit, nil
		}
	}
	return 0, fmt.Errorf("%w: interval %q is not a positive duration such as 1m, 1h or 1d", ErrInvalidQuery, s)
}

// NewHistogram builds q's histogram from the counts per bucket start
// (epoch ms, a multiple of the interval) and group, filling the empty
// buckets from From (else the first count) to To (else the last). q must
// be defaulted and valid. More than MaxBuckets is an error wrapping
// ErrInvalidQuery.
func NewHistogram(q HistogramQuery, counts map[int64]map[string]int64) (*Histogram, error) {
	iv, err := ParseInterval(q.Interval)
	if err != nil {
		return nil, err
	}
	step := iv.Milliseconds()
	h := &Histogram{Interval: q.Interval, Buckets: []Bucket{}}
	first, last := q.From, q.To-1
	if q.From == 0 || q.To == 0 {
		if len(counts) == 0 {
			return h, nil
		}
		starts := make([]int64, 0, len(counts))
		for b := range counts {
			starts = append(starts, b)
		}
		if q.From == 0 {
			first = slices.Min(starts)
		}
		if q.To == 0 {
			last = slices.Max(starts)
		}
	}
	n, err := bucketRange(step, first, last)
	if err != nil {
		return nil, err
	}
	start := first / step * step
	for i := range n {
		b := start + int64(i)*step
		c := counts[b]
		if c == nil {
			c = map[string]int64{}
		}
		h.Buckets = append(h.Buckets, Bucket{Time: time.UnixMilli(b).UTC(), Counts: c})
	}
	return h, nil
}

// bucketRange is how many buckets of step ms cover first..last (epoch
// ms, inclusive), or an error past MaxBuckets.
func bucketRange(step, first, last int64) (int, error) {
	n := last/step - first/step + 1
	if n > MaxBuckets {
		return 0, fmt.Errorf("%w: %d buckets exceed %d; narrow from and to or widen the interval", ErrInvalidQuery, n, MaxBuckets)
	}
	return int(max(n, 0)), nil
}
