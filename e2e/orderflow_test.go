package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/client"
	"github.com/legatohq/legato/pkg/workflow"
)

// orderDefJSON is the quickstart's order_fulfillment workflow.
const orderDefJSON = `{
  "name": "order_fulfillment",
  "version": 1,
  "schemaVersion": 2,
  "tasks": [
    {"name": "validate_order", "taskReferenceName": "validate", "type": "SIMPLE",
     "inputParameters": {"orderId": "${workflow.input.orderId}", "items": "${workflow.input.items}"}},
    {"name": "charge_payment", "taskReferenceName": "charge", "type": "SIMPLE",
     "inputParameters": {"amount": "${validate.output.totalAmount}", "customerId": "${workflow.input.customerId}"}},
    {"name": "ship_order", "taskReferenceName": "ship", "type": "SIMPLE",
     "inputParameters": {"paymentId": "${charge.output.paymentId}", "label": "order ${workflow.input.orderId} for ${workflow.input.customerId}"}}
  ],
  "outputParameters": {
    "orderId": "${workflow.input.orderId}",
    "paymentId": "${charge.output.paymentId}",
    "trackingNumber": "${ship.output.trackingNumber}",
    "firstItem": "${workflow.input.items[0].sku}"
  }
}`

// orderTaskDefsJSON registers the three task types; responseTimeoutSeconds
// is short so attempts lost in a crash come back quickly.
const orderTaskDefsJSON = `[
  {"name": "validate_order", "retryCount": 5, "retryDelaySeconds": 0, "responseTimeoutSeconds": 3},
  {"name": "charge_payment", "retryCount": 5, "retryDelaySeconds": 0, "responseTimeoutSeconds": 3},
  {"name": "ship_order", "retryCount": 5, "retryDelaySeconds": 0, "responseTimeoutSeconds": 3}
]`

func orderDefs(t *testing.T) (*workflow.WorkflowDef, []*workflow.TaskDef) {
	t.Helper()
	def := &workflow.WorkflowDef{}
	if err := json.Unmarshal([]byte(orderDefJSON), def); err != nil {
		t.Fatal(err)
	}
	var tds []*workflow.TaskDef
	if err := json.Unmarshal([]byte(orderTaskDefsJSON), &tds); err != nil {
		t.Fatal(err)
	}
	return def, tds
}

// orderWorkers runs workers for the three order tasks. They compute
// outputs from their inputs, so the workflow output proves data flowed.
func orderWorkers(ctx context.Context, c *client.Client, workerID string) (wait func()) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.RunWorkers(ctx, workerID,
			client.Worker{TaskType: "validate_order", Concurrency: 32, Execute: func(ctx context.Context, t *api.Task) client.Result {
				return client.Complete(map[string]any{"totalAmount": 42.5, "validated": t.InputData["orderId"]})
			}},
			client.Worker{TaskType: "charge_payment", Concurrency: 32, Execute: func(ctx context.Context, t *api.Task) client.Result {
				return client.Complete(map[string]any{"paymentId": fmt.Sprintf("pay-%v-%v", t.InputData["customerId"], t.InputData["amount"])})
			}},
			client.Worker{TaskType: "ship_order", Concurrency: 32, Execute: func(ctx context.Context, t *api.Task) client.Result {
				return client.Complete(map[string]any{"trackingNumber": fmt.Sprintf("trk-%v", t.InputData["paymentId"]), "label": t.InputData["label"]})
			}},
		)
	}()
	return wg.Wait
}

// registerOrder registers the order workflow and its task definitions.
func registerOrder(t *testing.T, ctx context.Context, c *client.Client) {
	t.Helper()
	def, tds := orderDefs(t)
	if err := c.RegisterTaskDefs(ctx, tds); err != nil {
		t.Fatal(err)
	}
	if err := c.RegisterWorkflowDef(ctx, def, true); err != nil {
		t.Fatal(err)
	}
}

func checkOrderOutput(t *testing.T, wf *api.Workflow, cust string) {
	t.Helper()
	if wf.Status != api.WorkflowCompleted {
		t.Fatalf("workflow %s is %s: %s", wf.WorkflowID, wf.Status, wf.ReasonForIncompletion)
	}
	want := map[string]any{
		"orderId":        wf.Input["orderId"],
		"paymentId":      "pay-" + cust + "-42.5",
		"trackingNumber": "trk-pay-" + cust + "-42.5",
		"firstItem":      "sku-1",
	}
	for k, v := range want {
		if wf.Output[k] != v {
			t.Errorf("workflow %s output[%s] = %v, want %v (output %v)", wf.WorkflowID, k, wf.Output[k], v, wf.Output)
		}
	}
	// Attempts lost to a crash (started, never delivered) time out and are
	// retried; the final attempt of each of the three tasks completed.
	final := 0
	for _, task := range wf.Tasks {
		switch {
		case !task.Retried && task.Status == api.TaskCompleted:
			final++
		case task.Retried && task.Status == api.TaskTimedOut:
		default:
			t.Errorf("workflow %s: task %s (%s) is %s, retried=%v", wf.WorkflowID, task.TaskID, task.ReferenceTaskName, task.Status, task.Retried)
		}
	}
	if final != 3 {
		t.Errorf("workflow %s has %d completed final attempts, want 3", wf.WorkflowID, final)
	}
}

// orderInput is the input of the i-th order, all of customer c7.
func orderInput(i int) map[string]any {
	return map[string]any{"orderId": fmt.Sprintf("o-%d", i), "customerId": "c7",
		"items": []any{map[string]any{"sku": "sku-1", "qty": 2}}}
}
