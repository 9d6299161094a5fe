package e2e

import (
	"encoding/json"
	"testing"

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
