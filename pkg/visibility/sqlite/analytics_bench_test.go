package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/visibility"
)

// BenchmarkAnalytics runs each analytics query over
// LEGATO_BENCH_WORKFLOWS workflows (default 100,000; README quotes 1M)
// of 20 types, started a second apart, one in ten failed with one of 50
// reasons, each with one task. Measured at 1M on 2 shared cores, over
// the whole range: count by status 0.28 s, hourly counts 1.1 s (0.33 s
// for one type), workflow and task durations 0.6-0.7 s, top failures
// 0.5-0.7 s; at 100k each is 10-50 ms.
func BenchmarkAnalytics(b *testing.B) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("LEGATO_BENCH_WORKFLOWS")); err == nil {
		n = v
	}
	s, err := Open(Options{Path: filepath.Join(b.TempDir(), "v.db")})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	const start = int64(1_700_000_000_000)
	for i := 0; i < n; i += 5000 {
		var batch visibility.Batch
		for j := i; j < min(i+5000, n); j++ {
			w := api.WorkflowSummary{WorkflowID: fmt.Sprintf("wf-%d", j), WorkflowType: fmt.Sprintf("type_%d", j%20),
				Status: "COMPLETED", StartTime: start + int64(j)*1000, EndTime: start + int64(j)*1000 + int64(j%997),
				DurationMs: int64(j % 997), EventVersion: 1}
			t := api.TaskSummary{TaskID: w.WorkflowID + "-t", WorkflowID: w.WorkflowID, TaskType: fmt.Sprintf("task_%d", j%10),
				TaskDefName: "def", Status: "COMPLETED", ScheduledTime: w.StartTime, StartTime: w.StartTime + int64(j%13),
				EndTime: w.EndTime, ExecutionTime: int64(j%997) - int64(j%13), QueueWaitTime: int64(j % 13), EventVersion: 1}
			if j%10 == 0 {
				w.Status, w.FailureReason = "FAILED", fmt.Sprintf("reason %d", j%50)
				t.Status, t.FailureReason = "FAILED", w.FailureReason
			}
			batch.Workflows = append(batch.Workflows, w)
			batch.Tasks = append(batch.Tasks, t)
		}
		if err := s.Apply(ctx, &batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for _, c := range []struct {
		name string
		run  func() error
	}{
		{"Count", func() error { _, err := s.CountWorkflows(ctx, visibility.CountQuery{GroupBy: "status"}); return err }},
		{"CountsHourly", func() error { _, err := s.WorkflowCounts(ctx, visibility.HistogramQuery{}); return err }},
		{"CountsHourlyOfType", func() error {
			_, err := s.WorkflowCounts(ctx, visibility.HistogramQuery{Filter: visibility.Filter{Query: "workflowType = type_3"}})
			return err
		}},
		{"WorkflowDurations", func() error { _, err := s.WorkflowDurations(ctx, visibility.DurationsQuery{}); return err }},
		{"TaskDurations", func() error { _, err := s.TaskDurations(ctx, visibility.DurationsQuery{}); return err }},
		{"TopFailures", func() error { _, err := s.TopFailures(ctx, visibility.FailuresQuery{}); return err }},
		{"TopTaskFailures", func() error { _, err := s.TopFailures(ctx, visibility.FailuresQuery{GroupBy: "taskType"}); return err }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if err := c.run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
