package e2e

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/client"
	"github.com/legatohq/legato/pkg/visibility"
)

// crashLedger is what the test's workers and starters saw acknowledged.
type crashLedger struct {
	mu       sync.Mutex
	started  []string       // acknowledged workflow starts
	received map[string]int // task id -> times a worker got it
	acked    map[string]ack // task id -> its acknowledged result
}

// ack is a result the server acknowledged: the task's workflow, and when
// the acknowledgement came.
type ack struct {
	workflowID string
	at         int64 // epoch ms
}

// TestCrashRecovery kills the server with SIGKILL several times while
// workflows run, restarts it on the same data directory, and proves that
// nothing acknowledged was lost and no attempt reached two workers.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	srv := startServer(t, "")
	ctx := testCtx(t, 4*time.Minute)
	c := client.New(srv.URL, client.WithRetryBackoff(20*time.Millisecond, 200*time.Millisecond))
	registerOrder(t, ctx, c)

	led := &crashLedger{received: map[string]int{}, acked: map[string]ack{}}
	loadCtx, stopLoad := context.WithCancel(ctx)
	workCtx, stopWork := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, tt := range []string{"validate_order", "charge_payment", "ship_order"} {
		for i := 0; i < 2; i++ {
			wg.Add(1)
			go func() { defer wg.Done(); crashWorker(workCtx, c, tt, led) }()
		}
	}
	var seq atomic.Int64
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for loadCtx.Err() == nil {
				n := int(seq.Add(1))
				var id string
				// While the server is down, retry shortly.
				started := until(loadCtx, func() bool {
					var err error
					id, err = c.StartWorkflow(loadCtx, "order_fulfillment", 0, "", orderInput(n))
					return err == nil
				})
				if !started {
					continue
				}
				led.mu.Lock()
				led.started = append(led.started, id)
				led.mu.Unlock()
			}
		}()
	}

	const kills = 4
	for k := 0; k < kills; k++ {
		// The sleep is the point: kills land at random moments under
		// load, during recovery from the last one too.
		time.Sleep(time.Duration(300+rand.IntN(900)) * time.Millisecond)
		srv = srv.restart()
		t.Logf("kill -9 #%d after %d acknowledged starts", k+1, len(led.snapshotStarted()))
	}
	// The restarted server takes load before the load stops.
	last := len(led.snapshotStarted())
	if !await(t, time.Minute, func() bool { return len(led.snapshotStarted()) >= last+10 }) {
		t.Fatalf("no load after the last restart: %d starts", len(led.snapshotStarted()))
	}
	stopLoad()

	ids := led.snapshotStarted()
	if len(ids) < 50 {
		t.Fatalf("only %d workflows started; the test did not put the server under load", len(ids))
	}
	for _, id := range ids {
		checkOrderOutput(t, awaitEnded(t, ctx, c, id), "c7")
	}
	stopWork()
	wg.Wait()

	led.mu.Lock()
	defer led.mu.Unlock()
	for id, n := range led.received {
		if n > 1 {
			t.Errorf("task attempt %s reached workers %d times", id, n)
		}
	}
	// Every acknowledged result must be in the final state.
	// A result that reached the server after the attempt's response
	// timeout had fired (its worker stalled by a slow restart on a loaded
	// machine) is acknowledged and ignored, as upstream: no loss. A lost
	// result would show a timeout after its acknowledgement instead.
	late := 0
	for taskID, a := range led.acked {
		task, err := c.Task(ctx, taskID)
		if err != nil {
			t.Fatalf("task %s of %s: %v", taskID, a.workflowID, err)
		}
		switch {
		case task.Status == api.TaskCompleted:
		case task.Status == api.TaskTimedOut && task.EndTime <= a.at:
			late++
		default:
			t.Errorf("acknowledged result of task %s (workflow %s) lost: status %s, ended %d, acknowledged %d",
				taskID, a.workflowID, task.Status, task.EndTime, a.at)
		}
	}
	if late > 0 {
		t.Logf("%d results came after their attempt's response timeout", late)
	}
	t.Logf("%d workflows, %d task results acknowledged, %d kills", len(ids), len(led.acked), kills)
	checkReplay(t, ctx, srv, ids)
	checkSearchable(t, srv.URL+"/api", ids)
}

// checkSearchable: within 5 s every acknowledged workflow is searchable
// with its final status, and no workflow is found twice, however many
// kills came between its commit and the indexer. (Starts the server
// committed but could not acknowledge before a kill are searchable too.)
// Under the race detector the transpiled SQLite runs many times slower,
// so the wait is longer there.
func checkSearchable(t *testing.T, u string, ids []string) {
	t.Helper()
	within := 5 * time.Second
	if raceEnabled {
		within = time.Minute
	}
	completed := url.Values{"query": {"workflowType = order_fulfillment AND status = COMPLETED"}, "size": {"1"}}
	var p searchPage
	start := time.Now()
	if !await(t, within, func() bool {
		p = search(t, u, "/workflow/search", completed)
		return p.TotalHits >= int64(len(ids))
	}) {
		t.Fatalf("search finds %d COMPLETED workflows %v after the last one ended, want at least %d", p.TotalHits, within, len(ids))
	}
	t.Logf("every acknowledged workflow searchable %v after the checks began", time.Since(start).Round(time.Millisecond))
	if p.TotalHits > visibility.MaxWindow {
		return // deeper than search pages reach: the count above must do
	}
	found := map[string]int{}
	for from := int64(0); from < p.TotalHits; from += 1000 {
		page := search(t, u, "/workflow/search", url.Values{"query": completed["query"], "sort": {"workflowId:ASC"},
			"start": {strconv.FormatInt(from, 10)}, "size": {"1000"}})
		for _, r := range page.Results {
			id := r["workflowId"].(string)
			if found[id]++; found[id] > 1 {
				t.Errorf("workflow %s found twice in search", id)
			}
		}
	}
	for _, id := range ids {
		if found[id] != 1 {
			t.Errorf("acknowledged workflow %s not found in search", id)
		}
	}
}

func (l *crashLedger) snapshotStarted() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.started...)
}

// crashWorker polls and completes tasks, recording every task it receives
// and every result the server acknowledged.
func crashWorker(ctx context.Context, c *client.Client, taskType string, led *crashLedger) {
	for ctx.Err() == nil {
		var tasks []*api.Task
		// While the server is down, retry shortly.
		if !until(ctx, func() bool {
			var err error
			tasks, err = c.BatchPoll(ctx, taskType, "crash-worker", "", 16, 500*time.Millisecond)
			return err == nil
		}) {
			return
		}
		for _, task := range tasks {
			led.mu.Lock()
			led.received[task.TaskID]++
			led.mu.Unlock()
			out := map[string]any{}
			switch taskType {
			case "validate_order":
				out["totalAmount"] = 42.5
			case "charge_payment":
				out["paymentId"] = fmt.Sprintf("pay-%v-%v", task.InputData["customerId"], task.InputData["amount"])
			case "ship_order":
				out["trackingNumber"] = fmt.Sprintf("trk-%v", task.InputData["paymentId"])
			}
			err := c.UpdateTask(ctx, &api.TaskResult{WorkflowInstanceID: task.WorkflowInstanceID, TaskID: task.TaskID,
				Status: api.TaskCompleted, OutputData: out, WorkerID: "crash-worker"})
			if err == nil {
				led.mu.Lock()
				led.acked[task.TaskID] = ack{workflowID: task.WorkflowInstanceID, at: time.Now().UnixMilli()}
				led.mu.Unlock()
			} else if !errors.Is(err, context.Canceled) {
				return
			}
		}
	}
}
