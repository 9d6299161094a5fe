package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/visibility"
)

// BenchmarkApply applies batches of 1,000 workflow summaries and 3,000
// task summaries, as the indexer does under load; it reports the cost per
// summary.
func BenchmarkApply(b *testing.B) {
	s, err := Open(Options{Path: filepath.Join(b.TempDir(), "v.db")})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	n := 0
	b.ResetTimer()
	for i := range b.N {
		var batch visibility.Batch
		for j := range 1000 {
			id := fmt.Sprintf("wf-%d-%d", i, j)
			batch.Workflows = append(batch.Workflows, api.WorkflowSummary{WorkflowID: id, WorkflowType: "order_fulfillment", Version: 1,
				CorrelationID: "c-" + id, Status: "COMPLETED", StartTime: int64(1e12 + j), UpdateTime: int64(1e12 + j + 50), EndTime: int64(1e12 + j + 50),
				Input: `{"orderId":"o-1","amount":12.5}`, Output: `{"shipped":true}`, ExecutionTime: 50, DurationMs: 50, EventVersion: 12})
			for k := range 3 {
				batch.Tasks = append(batch.Tasks, api.TaskSummary{TaskID: fmt.Sprintf("%s-t%d", id, k), WorkflowID: id, WorkflowType: "order_fulfillment",
					Status: "COMPLETED", TaskType: "charge", TaskDefName: "charge", ReferenceTaskName: "charge", ScheduledTime: 1e12, StartTime: 1e12 + 5,
					UpdateTime: 1e12 + 10, EndTime: 1e12 + 10, Input: `{"amount":12.5}`, Output: `{"ok":true}`, EventVersion: 12, WorkflowStartTime: 1e12})
			}
		}
		if err := s.Apply(ctx, &batch); err != nil {
			b.Fatal(err)
		}
		n += 4000
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(n), "us/summary")
}
