package visibilitytest

import (
	"context"
	"time"

	"github.com/legatohq/legato/pkg/visibility"
)

// Shorthands for the analytics cases.
type (
	counts = map[string]int64
	vf     = visibility.Filter
)

func bucket(ms int64, c counts) visibility.Bucket {
	return visibility.Bucket{Time: time.UnixMilli(ms).UTC(), Counts: c}
}

func dgroup(key string, n int64, avg float64, maxMs int64, ps counts) visibility.DurationGroup {
	return visibility.DurationGroup{Key: key, Count: n, AvgMs: avg, MaxMs: maxMs, Percentiles: ps}
}

// p3 is the default percentiles' answer.
func p3(p50, p95, p99 int64) counts { return counts{"50": p50, "95": p95, "99": p99} }

func countCase(name string, q visibility.CountQuery, want *visibility.Count) analyticsCase {
	return analyticsCase{name: "Count/" + name, want: want, run: func(ctx context.Context, a visibility.Analytics) (any, error) {
		return a.CountWorkflows(ctx, q)
	}}
}

func histogramCase(name string, q visibility.HistogramQuery, want ...visibility.Bucket) analyticsCase {
	iv := q.Interval
	if iv == "" {
		iv = visibility.DefaultInterval
	}
	return analyticsCase{name: "WorkflowCounts/" + name, want: &visibility.Histogram{Interval: iv, Buckets: append([]visibility.Bucket{}, want...)},
		run: func(ctx context.Context, a visibility.Analytics) (any, error) { return a.WorkflowCounts(ctx, q) }}
}

func durationsCase(name string, tasks bool, q visibility.DurationsQuery, want ...visibility.DurationGroup) analyticsCase {
	c := analyticsCase{name: "WorkflowDurations/" + name, want: &visibility.Durations{Groups: append([]visibility.DurationGroup{}, want...)},
		run: func(ctx context.Context, a visibility.Analytics) (any, error) { return a.WorkflowDurations(ctx, q) }}
	if tasks {
		c.name = "TaskDurations/" + name
		c.run = func(ctx context.Context, a visibility.Analytics) (any, error) { return a.TaskDurations(ctx, q) }
	}
	return c
}

func failuresCase(name string, q visibility.FailuresQuery, want ...visibility.FailureGroup) analyticsCase {
	return analyticsCase{name: "TopFailures/" + name, want: &visibility.Failures{Groups: append([]visibility.FailureGroup{}, want...)},
		run: func(ctx context.Context, a visibility.Analytics) (any, error) { return a.TopFailures(ctx, q) }}
}

// analyticsCases is the analytics contract over analyticsCorpus().
func analyticsCases() []analyticsCase {
	var cases []analyticsCase
	for _, group := range [][]analyticsCase{countCases(), histogramCases(), durationCases(), failureCases(), analyticsErrorCases()} {
		cases = append(cases, group...)
	}
	return cases
}

func countCases() []analyticsCase {
	return []analyticsCase{
		countCase("All", visibility.CountQuery{}, &visibility.Count{Count: 10}),
		countCase("ByStatus", visibility.CountQuery{GroupBy: "status"},
			&visibility.Count{Count: 10, Groups: counts{"COMPLETED": 3, "FAILED": 4, "TIMED_OUT": 1, "RUNNING": 1, "TERMINATED": 1}}),
		countCase("ByTypeOfQuery", visibility.CountQuery{Filter: vf{Query: "status = FAILED"}, GroupBy: "workflowType"},
			&visibility.Count{Count: 4, Groups: counts{"order": 2, "pay": 2}}),
		countCase("FreeText", visibility.CountQuery{Filter: vf{FreeText: "vip"}}, &visibility.Count{Count: 2}),
		countCase("From", visibility.CountQuery{Filter: vf{From: h0 + 2*hour}}, &visibility.Count{Count: 6}),
		countCase("To", visibility.CountQuery{Filter: vf{To: h0 + 2*hour}}, &visibility.Count{Count: 4}),
		countCase("NoneByStatus", visibility.CountQuery{Filter: vf{Query: "workflowType = nope"}, GroupBy: "status"},
			&visibility.Count{Groups: counts{}}),
	}
}

func histogramCases() []analyticsCase {
	h2 := counts{"COMPLETED": 1, "RUNNING": 1, "TERMINATED": 1, "TIMED_OUT": 1}
	return []analyticsCase{
		histogramCase("ByStatus", visibility.HistogramQuery{},
			bucket(h0, counts{"COMPLETED": 2, "FAILED": 2}), bucket(h0+hour, counts{}), bucket(h0+2*hour, h2), bucket(h0+3*hour, counts{"FAILED": 2})),
		histogramCase("ByType", visibility.HistogramQuery{GroupBy: "workflowType", Interval: "1h"},
			bucket(h0, counts{"order": 3, "pay": 1}), bucket(h0+hour, counts{}),
			bucket(h0+2*hour, counts{"order": 1, "pay": 2, "ship": 1}), bucket(h0+3*hour, counts{"order": 1, "pay": 1})),
		histogramCase("FillsFromTo", visibility.HistogramQuery{Filter: vf{From: h0 - hour, To: h0 + hour}},
			bucket(h0-hour, counts{}), bucket(h0, counts{"COMPLETED": 2, "FAILED": 2})),
		histogramCase("FromToNarrow", visibility.HistogramQuery{Filter: vf{From: h0 + hour, To: h0 + 3*hour}},
			bucket(h0+hour, counts{}), bucket(h0+2*hour, h2)),
		histogramCase("Query", visibility.HistogramQuery{Filter: vf{Query: "workflowType = pay"}},
			bucket(h0, counts{"FAILED": 1}), bucket(h0+hour, counts{}), bucket(h0+2*hour, counts{"RUNNING": 1, "TIMED_OUT": 1}),
			bucket(h0+3*hour, counts{"FAILED": 1})),
		histogramCase("FreeText", visibility.HistogramQuery{Filter: vf{FreeText: "vip"}},
			bucket(h0, counts{"COMPLETED": 1}), bucket(h0+hour, counts{}), bucket(h0+2*hour, counts{}), bucket(h0+3*hour, counts{"FAILED": 1})),
		histogramCase("Days", visibility.HistogramQuery{Interval: "1d"},
			bucket(h0-22*hour, counts{"COMPLETED": 2, "FAILED": 2}),
			bucket(h0+2*hour, counts{"COMPLETED": 1, "FAILED": 2, "RUNNING": 1, "TERMINATED": 1, "TIMED_OUT": 1})),
		histogramCase("HalfHours", visibility.HistogramQuery{Interval: "30m", Filter: vf{From: h0 + 2*hour, To: h0 + 3*hour}},
			bucket(h0+2*hour, counts{"COMPLETED": 1, "RUNNING": 1, "TIMED_OUT": 1}), bucket(h0+2*hour+30*minute, counts{"TERMINATED": 1})),
		histogramCase("NoMatches", visibility.HistogramQuery{Filter: vf{Query: "workflowType = nope"}}),
	}
}

func durationCases() []analyticsCase {
	simpleExec := dgroup("SIMPLE", 5, 110, 150, p3(110, 150, 150))
	httpExec := dgroup("HTTP", 3, 2000, 3000, p3(2000, 3000, 3000))
	return []analyticsCase{
		durationsCase("ByType", false, visibility.DurationsQuery{},
			dgroup("order", 5, 300, 500, p3(300, 500, 500)),
			dgroup("pay", 3, 1120.0/3, 1000, p3(70, 1000, 1000)),
			dgroup("ship", 1, 0, 0, p3(0, 0, 0))),
		durationsCase("Percentiles", false, visibility.DurationsQuery{Filter: vf{Query: "workflowType = order"}, Percentiles: []int{1, 20, 40, 100}},
			dgroup("order", 5, 300, 500, counts{"1": 100, "20": 100, "40": 200, "100": 500})),
		durationsCase("Query", false, visibility.DurationsQuery{Filter: vf{Query: "status = COMPLETED"}},
			dgroup("order", 3, 700.0/3, 400, p3(200, 400, 400))),
		durationsCase("From", false, visibility.DurationsQuery{Filter: vf{From: h0 + 2*hour}},
			dgroup("order", 2, 450, 500, p3(400, 500, 500)),
			dgroup("pay", 2, 535, 1000, p3(70, 1000, 1000)),
			dgroup("ship", 1, 0, 0, p3(0, 0, 0))),
		durationsCase("Execution", true, visibility.DurationsQuery{}, simpleExec, httpExec),
		durationsCase("ExecutionByDef", true, visibility.DurationsQuery{GroupBy: "taskDefName", Metric: "executionTime"},
			dgroup("charge", 4, 120, 150, p3(110, 150, 150)),
			dgroup("notify", 3, 2000, 3000, p3(2000, 3000, 3000)),
			dgroup("refund", 1, 70, 70, p3(70, 70, 70))),
		durationsCase("QueueWait", true, visibility.DurationsQuery{Metric: "queueWaitTime"},
			dgroup("SIMPLE", 6, 35, 60, p3(30, 60, 60)),
			dgroup("HTTP", 3, 15, 25, p3(15, 25, 25))),
		durationsCase("TaskQuery", true, visibility.DurationsQuery{Filter: vf{Query: "status = COMPLETED"}},
			dgroup("SIMPLE", 3, 90, 110, p3(90, 110, 110)),
			dgroup("HTTP", 1, 1000, 1000, p3(1000, 1000, 1000))),
		durationsCase("TaskTo", true, visibility.DurationsQuery{Filter: vf{To: h0 + hour}},
			dgroup("SIMPLE", 3, 110, 130, p3(110, 130, 130)),
			dgroup("HTTP", 1, 1000, 1000, p3(1000, 1000, 1000))),
		durationsCase("NoMatches", true, visibility.DurationsQuery{Filter: vf{Query: "taskType = nope"}}),
	}
}

func failureCases() []analyticsCase {
	card := visibility.FailureGroup{Reason: "card declined", Count: 3, By: counts{"order": 2, "pay": 1}}
	gateway := visibility.FailureGroup{Reason: "gateway <n> unreachable", Count: 1, By: counts{"pay": 1}}
	timedOut := visibility.FailureGroup{Reason: "timed out", Count: 1, By: counts{"pay": 1}}
	return []analyticsCase{
		failuresCase("Workflows", visibility.FailuresQuery{}, card, gateway, timedOut),
		failuresCase("Limit", visibility.FailuresQuery{Limit: 2, GroupBy: "workflowType"}, card, gateway),
		failuresCase("To", visibility.FailuresQuery{Filter: vf{To: h0 + hour}},
			visibility.FailureGroup{Reason: "card declined", Count: 2, By: counts{"order": 1, "pay": 1}}),
		failuresCase("FreeText", visibility.FailuresQuery{Filter: vf{FreeText: "vip"}},
			visibility.FailureGroup{Reason: "card declined", Count: 1, By: counts{"order": 1}}),
		failuresCase("Tasks", visibility.FailuresQuery{GroupBy: "taskType"},
			visibility.FailureGroup{Reason: "card declined", Count: 2, By: counts{"HTTP": 1, "SIMPLE": 1}},
			visibility.FailureGroup{Reason: "http <n>", Count: 1, By: counts{"HTTP": 1}},
			visibility.FailureGroup{Reason: "timed out", Count: 1, By: counts{"SIMPLE": 1}}),
		failuresCase("TaskQuery", visibility.FailuresQuery{GroupBy: "taskType", Filter: vf{Query: "taskDefName = notify"}},
			visibility.FailureGroup{Reason: "card declined", Count: 1, By: counts{"HTTP": 1}},
			visibility.FailureGroup{Reason: "http <n>", Count: 1, By: counts{"HTTP": 1}}),
	}
}

func analyticsErrorCases() []analyticsCase {
	bad := func(name, err string, run func(ctx context.Context, a visibility.Analytics) (any, error)) analyticsCase {
		return analyticsCase{name: "Invalid/" + name, err: err, run: run}
	}
	hist := func(q visibility.HistogramQuery) func(ctx context.Context, a visibility.Analytics) (any, error) {
		return func(ctx context.Context, a visibility.Analytics) (any, error) { return a.WorkflowCounts(ctx, q) }
	}
	wdur := func(q visibility.DurationsQuery) func(ctx context.Context, a visibility.Analytics) (any, error) {
		return func(ctx context.Context, a visibility.Analytics) (any, error) { return a.WorkflowDurations(ctx, q) }
	}
	tdur := func(q visibility.DurationsQuery) func(ctx context.Context, a visibility.Analytics) (any, error) {
		return func(ctx context.Context, a visibility.Analytics) (any, error) { return a.TaskDurations(ctx, q) }
	}
	fail := func(q visibility.FailuresQuery) func(ctx context.Context, a visibility.Analytics) (any, error) {
		return func(ctx context.Context, a visibility.Analytics) (any, error) { return a.TopFailures(ctx, q) }
	}
	count := func(q visibility.CountQuery) func(ctx context.Context, a visibility.Analytics) (any, error) {
		return func(ctx context.Context, a visibility.Analytics) (any, error) { return a.CountWorkflows(ctx, q) }
	}
	return []analyticsCase{
		bad("CountGroupBy", "status, workflowType", count(visibility.CountQuery{GroupBy: "correlationId"})),
		bad("CountQuery", "at byte", count(visibility.CountQuery{Filter: vf{Query: "status ="}})),
		bad("CountField", "unknown field", count(visibility.CountQuery{Filter: vf{Query: "colour = red"}})),
		bad("HistogramGroupBy", "groupBy", hist(visibility.HistogramQuery{GroupBy: "taskType"})),
		bad("IntervalZero", "interval", hist(visibility.HistogramQuery{Interval: "0h"})),
		bad("IntervalUnit", "interval", hist(visibility.HistogramQuery{Interval: "1w"})),
		bad("IntervalNoUnit", "interval", hist(visibility.HistogramQuery{Interval: "90"})),
		bad("IntervalNegative", "interval", hist(visibility.HistogramQuery{Interval: "-1h"})),
		bad("TooManyBucketsAsked", "buckets", hist(visibility.HistogramQuery{Interval: "1s", Filter: vf{From: h0, To: h0 + 3*hour}})),
		bad("TooManyBucketsInData", "buckets", hist(visibility.HistogramQuery{Interval: "1s"})),
		bad("FromAfterTo", "from", hist(visibility.HistogramQuery{Filter: vf{From: h0 + hour, To: h0}})),
		bad("PercentileZero", "percentile", wdur(visibility.DurationsQuery{Percentiles: []int{0, 50}})),
		bad("PercentileOver", "percentile", wdur(visibility.DurationsQuery{Percentiles: []int{101}})),
		bad("WorkflowMetric", "metric", wdur(visibility.DurationsQuery{Metric: "executionTime"})),
		bad("WorkflowGroupBy", "groupBy", wdur(visibility.DurationsQuery{GroupBy: "taskType"})),
		bad("TaskGroupBy", "groupBy", tdur(visibility.DurationsQuery{GroupBy: "workflowType"})),
		bad("TaskMetric", "metric", tdur(visibility.DurationsQuery{Metric: "durationMs"})),
		bad("LimitOver", "limit", fail(visibility.FailuresQuery{Limit: 1001})),
		bad("LimitNegative", "limit", fail(visibility.FailuresQuery{Limit: -1})),
		bad("FailuresGroupBy", "groupBy", fail(visibility.FailuresQuery{GroupBy: "status"})),
		bad("FailuresQuery", "unknown field", fail(visibility.FailuresQuery{GroupBy: "taskType", Filter: vf{Query: "durationMs > 1"}})),
	}
}
