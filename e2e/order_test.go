package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"
)

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
		checkOrderOutput(t, awaitEnded(t, ctx, c, id), "c7")
	}
	checkReplay(t, ctx, srv, ids)
}
