package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/client"
	"github.com/legatohq/legato/pkg/workflow"
)

// faultKills is how many times TestFaultInjection kills the server.
const faultKills = 4

// faultRun is one workflow of TestFaultInjection.
type faultRun struct {
	shape *faultShape
	key   string // idempotency key: a start is retried until acknowledged
	input map[string]any
	id    string
}

// TestFaultInjection runs a few hundred workflows of every failure shape
// (faultShapes): workers fail, crash, stall, answer twice or too late,
// keep tasks alive past their timeoutSeconds; a task type waits for its
// first poller past its pollTimeoutSeconds; workflows outlive their
// timeout, fail into their failure workflow, or fail and are retried by
// the operator; all while the server is killed with SIGKILL at random
// moments and restarted on the same data. Then it audits every workflow
// against its retry and timeout policies and what the workers did. LEGATO_FAULT_SEED replays a run's plans and
// kill times (goroutine timing still varies).
func TestFaultInjection(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test skipped in -short mode")
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("LEGATO_FAULT_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("LEGATO_FAULT_SEED: %v", err)
		}
	}
	t.Logf("seed %d (replay with LEGATO_FAULT_SEED=%d)", seed, seed)
	r := rand.New(rand.NewPCG(seed, seed))

	srv := startServer(t, "")
	ctx := testCtx(t, 4*time.Minute)
	c := client.New(srv.URL, client.WithRetryBackoff(20*time.Millisecond, 200*time.Millisecond))
	registerFault(t, ctx, c)

	var runs []*faultRun
	for _, s := range faultShapes {
		for i := range s.count {
			runs = append(runs, &faultRun{shape: s, key: fmt.Sprintf("%s-%d", s.name, i), input: s.plan(r)})
		}
	}
	r.Shuffle(len(runs), func(i, j int) { runs[i], runs[j] = runs[j], runs[i] })

	fw := newFaultWorkers(c)
	workCtx, stopWork := context.WithCancel(ctx)
	var pollers sync.WaitGroup
	for _, p := range faultPolicies {
		for range 2 {
			pollers.Go(func() { fw.poll(workCtx, ctx, p) })
		}
	}
	retrier := newFaultRetrier(c, srv.URL)
	started := startFaultRuns(ctx, c, runs, func(run *faultRun, id string) {
		if run.shape.operatorRetry {
			retrier.watch(ctx, id)
		}
	})

	var kills, ups []int64 // epoch ms of each kill and of the restart after it
	for k := range faultKills {
		// The sleep is the point: kills land at random moments while the
		// runs start and work.
		time.Sleep(time.Duration(1000+r.IntN(1500)) * time.Millisecond)
		kills = append(kills, time.Now().UnixMilli())
		srv = srv.restart()
		ups = append(ups, time.Now().UnixMilli())
		t.Logf("kill -9 #%d", k+1)
	}
	<-started
	t.Logf("every workflow started %v after the last kill", time.Since(time.UnixMilli(kills[len(kills)-1])).Round(time.Millisecond))
	// Every first attempt of a gated type has been pollable for longer
	// than its poll timeout by now.
	time.AfterFunc(2*time.Second, func() { close(fw.gate) })
	ids := make([]string, len(runs))
	for i, run := range runs {
		ids[i] = run.id
	}
	if n := checkScheduled(t, ctx, c, ids); n == 0 {
		t.Errorf("no workflow was running after the last restart: the liveness audit checked nothing")
	}

	// Everything ends once the load stops: retries, timeouts and timers
	// all fire on their own.
	endCtx := testCtx(t, 90*time.Second)
	retried := retrier.retried()
	for _, id := range ids {
		awaitEnded(t, endCtx, c, id)
	}
	t.Logf("every workflow ended %v after the last kill", time.Since(time.UnixMilli(kills[len(kills)-1])).Round(time.Millisecond))
	failureRuns := awaitFailureWorkflows(t, endCtx, c, srv.URL, runs)
	t.Logf("every failure workflow ended %v after the last kill", time.Since(time.UnixMilli(kills[len(kills)-1])).Round(time.Millisecond))
	stopWork()
	pollers.Wait()
	fw.acts.Wait() // late answers included

	a := &faultAudit{t: t, got: fw.deliveries(), kills: kills, ups: ups, seen: map[string]int{}, retried: retried}
	known := map[string]bool{}
	for _, run := range runs {
		known[run.id] = true
		wf, err := c.Workflow(ctx, run.id, true)
		if err != nil {
			t.Fatalf("workflow %s: %v", run.id, err)
		}
		a.workflow(run.shape, wf)
		if f := failureRuns[run.id]; f != nil {
			a.failureWorkflow(run, wf, f)
			if f.fw != nil && !known[f.fw.WorkflowID] {
				known[f.fw.WorkflowID] = true
				ids = append(ids, f.fw.WorkflowID)
				a.workflow(run.shape.failureWorkflow, f.fw)
			}
		}
	}
	for taskID, d := range a.got {
		if d.polls != 1 && d.action != actKeepAlive { // keepalive: checked with its attempt
			t.Errorf("task attempt %s reached workers %d times", taskID, d.polls)
		}
		if !known[d.workflowID] {
			t.Errorf("task attempt %s belongs to workflow %s, which no start returned", taskID, d.workflowID)
		}
	}
	t.Logf("%d workflows, %d attempts delivered, %d kills; checks: %v", len(runs), len(a.got), faultKills, a.seen)
	// Each kind of fault must have happened and been checked.
	for _, what := range []string{
		"workflows checked against their plan", "retry delays", "retries exhausted", "terminal errors",
		"optional failures", "cancelled with the workflow", "waits", "workflow COMPLETED", "workflow FAILED",
		"workflow TIMED_OUT", "attempts that did " + actFail, "attempts that did " + actCrash,
		"attempts that did " + actLate, "attempts that did " + actDup, "attempts that did " + actDupFail,
		"attempts that did " + actSlow, "attempts that did " + actTerminal, "attempts that did " + actKeepAlive,
		"heartbeats", "task timeouts (RETRY)", "task timeouts (TIME_OUT_WF)", "task timeouts that timed the workflow out",
		"poll timeouts", "first attempts that waited for a poller in vain", "workflow timeouts",
		"failure workflows of " + api.WorkflowFailed, "failure workflows of " + api.WorkflowTimedOut,
		"operator retries", "retries stopped by totalTimeoutSeconds", "timeouts on time",
	} {
		if a.seen[what] == 0 {
			t.Errorf("no %s: that check checked nothing", what)
		}
	}
	if a.seen["workflows checked against their plan"] < len(runs)/2 {
		t.Errorf("only %d of %d workflows were untouched by the kills and checked against their plan",
			a.seen["workflows checked against their plan"], len(runs))
	}
	checkReplay(t, ctx, srv, ids)
}

func registerFault(t *testing.T, ctx context.Context, c *client.Client) {
	t.Helper()
	var tds []*workflow.TaskDef
	for _, p := range faultPolicies {
		tds = append(tds, p.taskDef())
	}
	if err := c.RegisterTaskDefs(ctx, tds); err != nil {
		t.Fatal(err)
	}
	for _, s := range faultShapes {
		if err := c.RegisterWorkflowDef(ctx, s.def(), true); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}
}

// startFaultRuns starts runs from a few goroutines at a pace that spreads
// them over the kills, each retried with its idempotency key until the
// server acknowledges it (a start lost in a kill is found again, not
// duplicated), correlated by its key; onStart follows each start. The
// channel closes when every run has its id.
func startFaultRuns(ctx context.Context, c *client.Client, runs []*faultRun, onStart func(*faultRun, string)) <-chan struct{} {
	const starters = 4
	done := make(chan struct{})
	var wg sync.WaitGroup
	for s := range starters {
		wg.Go(func() {
			for i := s; i < len(runs); i += starters {
				run := runs[i]
				// While the server is down, retry shortly.
				if until(ctx, func() bool {
					id, err := c.Start(ctx, &api.StartWorkflowRequest{Name: run.shape.workflowName(), Input: run.input,
						CorrelationID: run.key, IdempotencyKey: run.key, IdempotencyStrategy: "RETURN_EXISTING"})
					run.id = id
					return err == nil
				}) {
					onStart(run, run.id)
				}
				// The pause is the point: it spreads the starts over the kills.
				sleepCtx(ctx, 100*time.Millisecond)
			}
		})
	}
	go func() { wg.Wait(); close(done) }()
	return done
}
