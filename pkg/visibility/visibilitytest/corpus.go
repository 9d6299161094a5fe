package visibilitytest

import (
	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/visibility"
)

// t0 is 2023-11-14T22:13:20Z; corpus times are offsets from it in ms.
const t0 = 1700000000000

// corpus is the searched data set. The default workflow order (startTime
// DESC, workflowId ASC) is w7 w6 w5 w3 w4 w2 w1; the default task order
// (updateTime DESC) is t5 t3 t4 t2 t1. w3 and w4 start at the same time,
// so the id must break the tie. Stale versions of w1 and t1 are applied
// after the current ones and must be ignored.
func corpus() *visibility.Batch {
	b := &visibility.Batch{
		Workflows: []api.WorkflowSummary{
			{
				WorkflowID: "w1", WorkflowType: "order_flow", Version: 1, Status: "RUNNING", CorrelationID: "order-1",
				StartTime: t0 + 1000, UpdateTime: t0 + 5000, Priority: 5, CreatedBy: "ops", Shard: 1,
				Input: `{"orderId":"abc123","customer":"alice"}`, EventVersion: 12,
			},
			{
				WorkflowID: "w2", WorkflowType: "order_flow", Version: 2, Status: "COMPLETED", CorrelationID: "order-2",
				StartTime: t0 + 2000, UpdateTime: t0 + 9000, EndTime: t0 + 9000, ExecutionTime: 7000, DurationMs: 7000,
				Priority: 1, Shard: 2, Input: `{"orderId":"xyz789"}`, Output: `{"shipped":true}`, EventVersion: 20,
			},
			{
				WorkflowID: "w3", WorkflowType: "payment_flow", Version: 1, Status: "FAILED", CorrelationID: "pay-1",
				StartTime: t0 + 3000, UpdateTime: t0 + 4000, EndTime: t0 + 4000, ExecutionTime: 1000, DurationMs: 1000,
				ReasonForIncompletion: "card declined by issuer", FailureReason: "card declined",
				FailedReferenceTaskNames: "charge,notify", FailedTaskNames: []string{"charge_card", "notify"},
				Priority: 9, ParentWorkflowID: "w1", RootWorkflowID: "w1", Shard: 1, EventVersion: 8,
			},
			{
				WorkflowID: "w4", WorkflowType: "payment_flow", Version: 1, Status: "TIMED_OUT",
				StartTime: t0 + 3000, UpdateTime: t0 + 8000, EndTime: t0 + 8000, ExecutionTime: 5000, DurationMs: 5000,
				ReasonForIncompletion: "timed out", FailureReason: "timed out", IdempotencyKey: "idem-4",
				ParentWorkflowID: "w1", RootWorkflowID: "w1", Shard: 2, EventVersion: 5,
			},
			{
				WorkflowID: "w5", WorkflowType: "ship_flow", Version: 3, Status: "TERMINATED", CorrelationID: "Order-5",
				StartTime: t0 + 5000, UpdateTime: t0 + 6000, EndTime: t0 + 6000, ExecutionTime: 1000, DurationMs: 1000,
				Classifier: "gold", Event: "order:created", Shard: 1, EventVersion: 4,
				TaskToDomain: map[string]string{"ship_order": "eu"},
			},
			{
				WorkflowID: "w6", WorkflowType: "ship_flow", Version: 1, Status: "PAUSED", CorrelationID: "order_6%",
				StartTime: t0 + 6000, UpdateTime: t0 + 6500, Priority: 2, CreatedBy: "bot", Shard: 2, EventVersion: 3,
			},
			{
				WorkflowID: "w7", WorkflowType: "order_flow_v2", Version: 1, Status: "COMPLETED", CorrelationID: "order-7",
				StartTime: t0 + 7000, UpdateTime: t0 + 8000, EndTime: t0 + 8000, ExecutionTime: 1000, DurationMs: 1000,
				Priority: 3, Shard: 1, Output: `{"shipped":false}`, EventVersion: 9,
			},
		},
		Tasks: []api.TaskSummary{
			{
				TaskID: "t1", WorkflowID: "w1", WorkflowType: "order_flow", CorrelationID: "order-1", TaskType: "SIMPLE",
				TaskDefName: "charge_card", ReferenceTaskName: "charge", Status: "COMPLETED",
				ScheduledTime: t0 + 1100, StartTime: t0 + 1200, UpdateTime: t0 + 1500, EndTime: t0 + 1500,
				ExecutionTime: 300, QueueWaitTime: 100, WorkerID: "worker-a", Input: `{"amount":42}`,
				WorkflowStartTime: t0 + 1000, EventVersion: 6,
			},
			{
				TaskID: "t2", WorkflowID: "w1", WorkflowType: "order_flow", CorrelationID: "order-1", TaskType: "HTTP",
				TaskDefName: "notify_http", ReferenceTaskName: "notify", Status: "IN_PROGRESS", Domain: "eu",
				ScheduledTime: t0 + 1600, StartTime: t0 + 1700, UpdateTime: t0 + 1700, WorkerID: "worker-b",
				WorkflowStartTime: t0 + 1000, EventVersion: 9,
			},
			{
				TaskID: "t3", WorkflowID: "w3", WorkflowType: "payment_flow", CorrelationID: "pay-1", TaskType: "SIMPLE",
				TaskDefName: "charge_card", ReferenceTaskName: "charge", Status: "FAILED",
				ReasonForIncompletion: "card declined by issuer", FailureReason: "card declined", RetryCount: 2,
				ScheduledTime: t0 + 3100, StartTime: t0 + 3200, UpdateTime: t0 + 3900, EndTime: t0 + 3900,
				ExecutionTime: 700, QueueWaitTime: 100, WorkflowStartTime: t0 + 3000, EventVersion: 7,
			},
			{
				TaskID: "t4", WorkflowID: "w2", WorkflowType: "order_flow", CorrelationID: "order-2", TaskType: "SIMPLE",
				TaskDefName: "ship_order", ReferenceTaskName: "ship", Status: "SCHEDULED",
				ScheduledTime: t0 + 2100, UpdateTime: t0 + 2100, WorkflowStartTime: t0 + 2000, EventVersion: 15,
			},
			{
				TaskID: "t5", WorkflowID: "w5", WorkflowType: "ship_flow", CorrelationID: "Order-5", TaskType: "SIMPLE",
				TaskDefName: "ship_order", ReferenceTaskName: "ship", Status: "CANCELED", Iteration: 2, Domain: "us",
				ScheduledTime: t0 + 5000, StartTime: t0 + 5100, UpdateTime: t0 + 5500, EndTime: t0 + 5500,
				WorkflowStartTime: t0 + 5000, EventVersion: 4,
			},
		},
	}
	return b
}

// stale are older versions of corpus summaries, applied after it.
func stale() *visibility.Batch {
	return &visibility.Batch{
		Workflows: []api.WorkflowSummary{{
			WorkflowID: "w1", WorkflowType: "order_flow", Version: 1, Status: "SCHEDULED_STALE", StartTime: t0 + 1000,
			Input: "stalemarker", EventVersion: 11,
		}},
		Tasks: []api.TaskSummary{{
			TaskID: "t1", WorkflowID: "w1", Status: "SCHEDULED_STALE", UpdateTime: t0 + 99999, Input: "stalemarker", EventVersion: 5,
		}},
	}
}
