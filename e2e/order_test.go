package e2e

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/client"
)

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

// waitStatus polls a workflow until it reaches a terminal status.
func waitTerminal(t *testing.T, ctx context.Context, c *client.Client, id string) *api.Workflow {
	t.Helper()
	for {
		wf, err := c.Workflow(ctx, id, true)
		if err == nil && api.WorkflowTerminal(wf.Status) {
			return wf
		}
		select {
		case <-ctx.Done():
			t.Fatalf("workflow %s not terminal: last %v %v", id, wf, err)
		case <-time.After(20 * time.Millisecond):
		}
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

func orderInput(i int) map[string]any {
	return map[string]any{"orderId": fmt.Sprintf("o-%d", i), "customerId": "c7",
		"items": []any{map[string]any{"sku": "sku-1", "qty": 2}}}
}

func TestOrderFulfillmentWithWorkers(t *testing.T) {
	srv := startServer(t, "")
	ctx := testCtx(t, 2*time.Minute)
	c := srv.client()
	registerOrder(t, ctx, c)
	wctx, stop := context.WithCancel(ctx)
	wait := orderWorkers(wctx, c, "w1")
	defer func() { stop(); wait() }()

	var ids []string
	for i := 0; i < 50; i++ {
		id, err := c.StartWorkflow(ctx, "order_fulfillment", 0, fmt.Sprintf("corr-%d", i), orderInput(i))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	for _, id := range ids {
		checkOrderOutput(t, waitTerminal(t, ctx, c, id), "c7")
	}
	checkReplay(t, ctx, srv, ids)
}
