package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/client"
)

// eventsPerBranch is the task events one branch is counted as causing
// (scheduled, started, completed) when the bytes the server wrote are
// divided among them. The fork_list, FORK and JOIN rows' events are not
// counted, so the figure is a little high for small forks.
const eventsPerBranch = 3

// runFanout runs, on the same server, one fanout_probe workflow for each
// of cfg.fanoutSizes: a FORK_JOIN_DYNAMIC of that many fanout_branch tasks
// and their JOIN, worked by batch-polling workers. For each size it
// reports the time from start to COMPLETED, the server's CPU per branch,
// the bytes it wrote per task event and its peak RSS, and checks that the
// JOIN's output (the workflow's) holds every branch. A size that does not
// complete within cfg.fanoutTimeout is terminated and the next one runs.
//
// First, unless cfg.fanoutBaseline is 0, a throughput run of that many
// order_fulfillment workflows gives the server's CPU per task of a plain
// sequential workflow, so that the CPU per branch reads as a ratio: how
// much more a task costs when 10,000 siblings share its workflow.
func runFanout(ctx context.Context, cfg config) error {
	perTask, baseline, err := baselineCPUPerTask(ctx, cfg)
	if err != nil {
		return fmt.Errorf("fanout baseline: %w", err)
	}
	c, counter := newClient(cfg)
	defer c.CloseIdleConnections()
	if err := register(ctx, c, fanoutProbe(), fanoutTask); err != nil {
		return err
	}
	counter.requests.Store(0)
	t0 := time.Now()

	r := &report{title: "fanout (fanout_probe: jq list → FORK_JOIN_DYNAMIC of N fanout_branch → JOIN)"}
	r.add("server", "%s%s", cfg.addr, pidNote(cfg.serverPID))
	r.add("settings", "sizes %s, %v timeout per size, %d pollers × batch %d", joinInts(cfg.fanoutSizes), cfg.fanoutTimeout, cfg.workers, cfg.batch)
	r.add("cpu per task", "%s", baseline)
	r.add("bytes per event", "assumes %d task events per branch (scheduled, started, completed): server write_bytes / (%d × branches)",
		eventsPerBranch, eventsPerBranch)
	var errs []error
	for _, n := range cfg.fanoutSizes {
		res := runFanoutSize(ctx, cfg, c, n)
		res.addRows(r, perTask)
		if res.err != nil {
			errs = append(errs, fmt.Errorf("%d branches: %w", n, res.err))
		}
		if ctx.Err() != nil {
			break
		}
	}
	r.add("http", "%s", counter.summary(time.Since(t0)))
	r.print(cfg.out)
	return errors.Join(errs...)
}

// baselineCPUPerTask runs the throughput mode with cfg.fanoutBaseline
// workflows (its report printed as usual) and returns the server's CPU per
// task over it, with a line describing it. Without a server pid or
// baseline workflows there is nothing to measure: it returns 0.
func baselineCPUPerTask(ctx context.Context, cfg config) (time.Duration, string, error) {
	switch {
	case cfg.serverPID == 0:
		return 0, "n/a (pass -server-pid)", nil
	case cfg.fanoutBaseline == 0:
		return 0, "n/a (-fanout-baseline 0)", nil
	}
	tc := cfg
	tc.mode, tc.workflows, tc.failRate = "throughput", cfg.fanoutBaseline, 0
	before, err := readProc(cfg.serverPID)
	if err != nil {
		return 0, "", err
	}
	if err := runThroughput(ctx, tc); err != nil {
		return 0, "", err
	}
	after, err := readProc(cfg.serverPID)
	if err != nil {
		return 0, "", err
	}
	tasks := int64(3 * tc.workflows)
	perTask := (after.cpu - before.cpu) / time.Duration(tasks)
	return perTask, fmt.Sprintf("%s (throughput baseline above: %d order_fulfillment workflows × 3 tasks, %.2f s server cpu)",
		round(perTask), tc.workflows, (after.cpu - before.cpu).Seconds()), nil
}

// fanoutResult is what one size's run measured.
type fanoutResult struct {
	n       int
	done    int64         // branches whose result the server acknowledged
	wf      *api.Workflow // the last read of the workflow, or nil
	joined  int           // JOIN output entries holding a branch's own output
	gaveUp  bool          // not COMPLETED within the timeout; terminated
	before  procSample
	after   procSample
	maxRSS  int64
	written int64 // server write_bytes over the run; -1 if unknown
	err     error
}

// runFanoutSize runs one fanout_probe workflow of n branches. Its tasks
// carry a correlation id of their own, so a branch of an earlier size
// (there should be none: those were terminated) is not counted.
func runFanoutSize(ctx context.Context, cfg config, c *client.Client, n int) *fanoutResult {
	res := &fanoutResult{n: n, written: -1}
	corr := fmt.Sprintf("fanout-%d-%d", time.Now().UnixNano(), n)
	got := make([]atomic.Bool, n)
	var done atomic.Int64
	w := batchWorker(cfg, fanoutTask)
	w.Execute = func(_ context.Context, t *api.Task) client.Result {
		return client.Complete(map[string]any{"branch": t.ReferenceTaskName})
	}
	w.Reported = func(t *api.Task, r client.Result, err error) {
		if err != nil || r.Status != api.TaskCompleted || t.CorrelationID != corr {
			return
		}
		if i, ok := branchIndex(t.ReferenceTaskName, n); ok && !got[i].Swap(true) {
			done.Add(1)
		}
	}

	s := startSampler(cfg.serverPID, 250*time.Millisecond)
	defer s.Close()
	written0, ioErr := readWriteBytes(cfg.serverPID)
	res.before = s.sample()
	workCtx, stopWork := context.WithCancel(ctx)
	defer stopWork()
	workersDone := make(chan error, 1)
	go func() { workersDone <- c.RunWorkers(workCtx, cfg.workerID, w) }()

	deadline := time.Now().Add(cfg.fanoutTimeout)
	id, err := c.StartWorkflow(ctx, fanoutWorkflow, 1, corr, map[string]any{"branches": n})
	if err == nil {
		err = awaitCount(ctx, c, id, done.Load, int64(n), fmt.Sprintf("branches done (size %d)", n), deadline, 0)
		// After all branches, the JOIN and the workflow end in a decision
		// or two; a last read after a timeout reports where it stands.
		wf, readErr := awaitEnded(ctx, c, id, false, max(time.Until(deadline), 0))
		res.wf = wf
		if err == nil {
			err = readErr
		}
	} else {
		err = fmt.Errorf("start: %w", err)
	}
	res.after = s.sample()
	if ioErr == nil && cfg.serverPID != 0 {
		if written1, err := readWriteBytes(cfg.serverPID); err == nil {
			res.written = written1 - written0
		}
	}
	stopWork()
	workErr := <-workersDone
	s.Close()
	res.maxRSS, res.done = s.MaxRSS(), done.Load()
	res.err = errors.Join(err, workErr, s.Err())

	if id != "" && (res.wf == nil || !api.WorkflowTerminal(res.wf.Status)) {
		res.gaveUp = true
		res.err = errors.Join(res.err, terminateLeftover(ctx, c, id))
	}
	if res.wf != nil && res.wf.Status == api.WorkflowCompleted {
		res.joined = countJoined(res.wf.Output, n)
		if res.joined != n || len(res.wf.Output) != n {
			res.err = errors.Join(res.err, fmt.Errorf("workflow %s: JOIN output has %d entries, %d of them branches with their output; want %d",
				id, len(res.wf.Output), res.joined, n))
		}
	} else if res.wf != nil && res.err == nil {
		res.err = fmt.Errorf("workflow %s: %s (%s), want COMPLETED", id, res.wf.Status, res.wf.ReasonForIncompletion)
	}
	return res
}

// countJoined counts the entries of a JOIN's output that are the output a
// fanout_branch worker gave: {"branch": its reference name}.
func countJoined(out map[string]any, n int) int {
	joined := 0
	for ref, v := range out {
		m, _ := v.(map[string]any)
		if _, ok := branchIndex(ref, n); ok && m["branch"] == ref {
			joined++
		}
	}
	return joined
}

// branchIndex parses a branch reference name "b<i>" (fanoutProbe's).
func branchIndex(ref string, n int) (int, bool) {
	s, ok := strings.CutPrefix(ref, "b")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(s)
	return i, err == nil && i >= 0 && i < n
}

// addRows adds the size's rows to r; perTask is the baseline's CPU per
// task, or 0.
func (res *fanoutResult) addRows(r *report, perTask time.Duration) {
	r.add("size", "%d branches", res.n)
	switch wf := res.wf; {
	case wf != nil && wf.Status == api.WorkflowCompleted:
		r.add("  result", "COMPLETED in %s (server startTime → endTime); JOIN output has %d of %d branches",
			round(time.Duration(wf.EndTime-wf.StartTime)*time.Millisecond), res.joined, res.n)
	case res.gaveUp:
		status := "unread"
		if wf != nil {
			status = wf.Status
		}
		r.add("  result", "NOT COMPLETED in time: %d of %d branches done; workflow %s, terminated", res.done, res.n, status)
	case wf != nil:
		r.add("  result", "%s: %s (%d of %d branches done)", wf.Status, wf.ReasonForIncompletion, res.done, res.n)
	default:
		r.add("  result", "not started: %v", res.err)
		return
	}
	if !res.before.exists || !res.after.exists {
		r.add("  server", "n/a (pass -server-pid)")
		return
	}
	branches := int64(res.n)
	if res.wf == nil || res.wf.Status != api.WorkflowCompleted {
		branches = res.done // the work actually done
	}
	if branches == 0 {
		return
	}
	cpu := res.after.cpu - res.before.cpu
	perBranch := cpu / time.Duration(branches)
	ratio := "n/a"
	if perTask > 0 {
		ratio = fmt.Sprintf("%.2f", float64(perBranch)/float64(perTask))
	}
	r.add("  cpu per branch", "%s; cpu per branch / cpu per task %s; server cpu %s for %d branches",
		round(perBranch), ratio, cpuUse(res.before, res.after), branches)
	if res.written >= 0 {
		events := eventsPerBranch * branches
		r.add("  bytes per event", "%d (%s written / %d task events)", res.written/events, mib(res.written), events)
	} else {
		r.add("  bytes per event", "n/a (/proc/PID/io unreadable)")
	}
	r.add("  peak rss", "%s sampled during this size (VmHWM since server start %s)", mib(res.maxRSS), mib(res.after.hwm))
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}
