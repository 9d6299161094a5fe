// Command searchbench measures the embedded read side at size: it fills a
// fresh SQLite visibility store (pkg/visibility/sqlite, the store the
// indexer writes) with -workflows workflow summaries and three task
// summaries each, through Store.Apply in the indexer's batch size, then
// times the searches users run most and prints p50/p99 of each, the fill
// rate and the index size on disk per workflow.
//
//	go run ./cmd/searchbench -workflows 1000000
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/visibility"
	"github.com/legatohq/legato/pkg/visibility/sqlite"
)

func main() {
	n := flag.Int("workflows", 1_000_000, "workflow summaries to fill the store with (each with 3 task summaries)")
	batch := flag.Int("batch", 5000, "workflows per Apply (the indexer's batch)")
	runs := flag.Int("runs", 50, "times each search is run")
	dir := flag.String("dir", "", "directory for the database (default: a new temporary one, removed after)")
	flag.Parse()
	if err := run(*n, *batch, *runs, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "searchbench:", err)
		os.Exit(1)
	}
}

// Workflow types, statuses and failure reasons the filled summaries draw
// from, so that searches have realistic selectivity.
var (
	types    = []string{"order_fulfillment", "refund", "onboarding", "report", "settlement", "reindex", "shipping", "billing"}
	statuses = []string{"COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED", "FAILED", "RUNNING", "TERMINATED", "TIMED_OUT"}
	reasons  = []string{"card declined", "address not found", "timeout calling warehouse", "inventory short"}
)

const t0 = 1_767_225_600_000 // 2026-01-01, epoch ms; one workflow a second from there

func run(n, batch, runs int, dir string) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "searchbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	path := filepath.Join(dir, "visibility.db")
	st, err := sqlite.Open(sqlite.Options{Path: path})
	if err != nil {
		return err
	}
	defer st.Close()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	start := time.Now()
	for from := 0; from < n; from += batch {
		var b visibility.Batch
		for i := from; i < min(from+batch, n); i++ {
			w, tasks := summaries(r, i)
			b.Workflows = append(b.Workflows, w)
			b.Tasks = append(b.Tasks, tasks...)
		}
		if err := st.Apply(ctx, &b); err != nil {
			return err
		}
		if done := min(from+batch, n); done%(20*batch) == 0 || done == n {
			fmt.Fprintf(os.Stderr, "  filled %d/%d workflows, %.0f/s\n", done, n, float64(done)/time.Since(start).Seconds())
		}
	}
	fill := time.Since(start)
	size := dbSize(dir)
	// Free text is indexed once a second or by the search that needs it:
	// the first free-text search writes what the last writes left pending.
	t := time.Now()
	if _, err := st.SearchWorkflows(ctx, visibility.Query{FreeText: "cust-1", Size: 1}); err != nil {
		return err
	}
	pending := time.Since(t)

	mid := t0 + int64(n/2)*1000
	searches := []struct {
		name string
		do   func() error
	}{
		{"correlationId lookup", func() error {
			_, err := st.SearchWorkflows(ctx, visibility.Query{Query: fmt.Sprintf(`correlationId = "corr-%d"`, r.IntN(n))})
			return err
		}},
		{"status+type+time, first 100 by startTime", func() error {
			_, err := st.SearchWorkflows(ctx, visibility.Query{Query: fmt.Sprintf(
				`workflowType = %s AND status = FAILED AND startTime > %d AND startTime < %d`, types[r.IntN(len(types))], mid-86_400_000, mid+86_400_000),
				Sort: "startTime:DESC", Size: 100})
			return err
		}},
		{"free-text term", func() error {
			_, err := st.SearchWorkflows(ctx, visibility.Query{FreeText: fmt.Sprintf("cust-%d", r.IntN(n/10)), Size: 100})
			return err
		}},
		{"home page (everything, newest 100)", func() error {
			_, err := st.SearchWorkflows(ctx, visibility.Query{FreeText: "*", Size: 100})
			return err
		}},
		{"tasks of a workflow", func() error {
			_, err := st.SearchTasks(ctx, visibility.Query{Query: fmt.Sprintf(`workflowId = "wf-%d"`, r.IntN(n))})
			return err
		}},
	}
	fmt.Println("========================================================================")
	fmt.Println(" legato searchbench: embedded read side (SQLite)")
	fmt.Println("========================================================================")
	fmt.Printf(" filled             %d workflows + %d task summaries in %s (%.0f workflows/s with their tasks)\n",
		n, 3*n, fill.Round(time.Millisecond), float64(n)/fill.Seconds())
	fmt.Printf(" size on disk       %.1f MiB, %.0f bytes per workflow (with its 3 tasks)\n", float64(size)/(1<<20), float64(size)/float64(n))
	fmt.Printf(" pending free text  %s: the first free-text search after the fill, writing the text still pending\n", pending.Round(time.Millisecond))
	for _, s := range searches {
		var ds []time.Duration
		for range runs {
			t := time.Now()
			if err := s.do(); err != nil {
				return fmt.Errorf("%s: %w", s.name, err)
			}
			ds = append(ds, time.Since(t))
		}
		slices.Sort(ds)
		fmt.Printf(" %-40s p50 %-10s p99 %s\n", s.name, ds[len(ds)/2].Round(10*time.Microsecond), ds[len(ds)*99/100].Round(10*time.Microsecond))
	}
	fmt.Println("========================================================================")
	return nil
}

// summaries is workflow i's summary and its three tasks'.
func summaries(r *rand.Rand, i int) (api.WorkflowSummary, []api.TaskSummary) {
	id := fmt.Sprintf("wf-%d", i)
	typ, status := types[r.IntN(len(types))], statuses[r.IntN(len(statuses))]
	start := t0 + int64(i)*1000
	w := api.WorkflowSummary{WorkflowID: id, WorkflowType: typ, Version: 1, CorrelationID: fmt.Sprintf("corr-%d", i),
		Status: status, StartTime: start, UpdateTime: start + 800, Input: fmt.Sprintf(`{"customer":"cust-%d","amount":%d}`, i/10, r.IntN(500)),
		EventVersion: 12}
	if status != "RUNNING" {
		w.EndTime, w.ExecutionTime, w.DurationMs = start+800, 800, 800
		w.Output = `{"ok":true}`
	}
	if status == "FAILED" {
		w.ReasonForIncompletion = reasons[r.IntN(len(reasons))]
		w.FailureReason = w.ReasonForIncompletion
	}
	tasks := make([]api.TaskSummary, 3)
	for k := range tasks {
		tasks[k] = api.TaskSummary{TaskID: fmt.Sprintf("%s-t%d", id, k), WorkflowID: id, WorkflowType: typ, CorrelationID: w.CorrelationID,
			ScheduledTime: start + int64(k)*200, StartTime: start + int64(k)*200 + 20, UpdateTime: start + int64(k)*200 + 150,
			EndTime: start + int64(k)*200 + 150, Status: "COMPLETED", TaskDefName: fmt.Sprintf("step_%d", k), TaskType: fmt.Sprintf("step_%d", k),
			ReferenceTaskName: fmt.Sprintf("step_%d", k), ExecutionTime: 130, QueueWaitTime: 20, EventVersion: 12, WorkflowStartTime: start}
	}
	return w, tasks
}

// dbSize is the bytes of the database files in dir (the WAL included).
func dbSize(dir string) int64 {
	var n int64
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if info, err := e.Info(); err == nil {
			n += info.Size()
		}
	}
	return n
}
