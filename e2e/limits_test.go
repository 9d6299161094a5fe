package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/client"
	"github.com/legatohq/legato/pkg/workflow"
)

// limitsDefsJSON limits one task type to 2 starts per second and another
// to 1 task in progress; neither retries, so a task that failed instead
// of waiting would fail its workflow.
const limitsDefsJSON = `[
  {"name": "rate_limited", "retryCount": 0, "rateLimitPerFrequency": 2, "rateLimitFrequencyInSeconds": 1},
  {"name": "one_at_a_time", "retryCount": 0, "concurrentExecLimit": 1}
]`

const limitsWorkflowJSON = `{
  "name": "limited", "version": 1, "schemaVersion": 2,
  "tasks": [
    {"name": "rate_limited", "taskReferenceName": "rate", "type": "SIMPLE"},
    {"name": "one_at_a_time", "taskReferenceName": "one", "type": "SIMPLE"}
  ]
}`

// TestTaskDefLimits runs many workflows through a rate-limited and a
// concurrency-limited task with several workers polling each type, then
// checks, from the startTime and endTime history recorded, that no
// second held more than 2 starts of the first and no two attempts of the
// second overlapped; and that every workflow completed.
func TestTaskDefLimits(t *testing.T) {
	srv := startServer(t, "")
	ctx := testCtx(t, time.Minute)
	c := srv.client()
	var tds []*workflow.TaskDef
	if err := json.Unmarshal([]byte(limitsDefsJSON), &tds); err != nil {
		t.Fatal(err)
	}
	def := &workflow.WorkflowDef{}
	if err := json.Unmarshal([]byte(limitsWorkflowJSON), def); err != nil {
		t.Fatal(err)
	}
	if err := c.RegisterTaskDefs(ctx, tds); err != nil {
		t.Fatal(err)
	}
	if err := c.RegisterWorkflowDef(ctx, def, true); err != nil {
		t.Fatal(err)
	}

	const workflows = 8
	var ids []string
	for i := range workflows {
		id, err := c.StartWorkflow(ctx, "limited", 0, fmt.Sprintf("lim-%d", i), nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	// Three worker processes, each with room for several tasks of each
	// type: only the server's limits hold them back. The concurrency-
	// limited task takes a while, so overlapping attempts would show.
	wctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.RunWorkers(wctx, fmt.Sprintf("worker-%d", w),
				client.Worker{TaskType: "rate_limited", Concurrency: 4, Pollers: 2, PollTimeout: time.Second,
					Execute: func(context.Context, *api.Task) client.Result { return client.Complete(nil) }},
				client.Worker{TaskType: "one_at_a_time", Concurrency: 4, Pollers: 2, PollTimeout: time.Second,
					Execute: func(context.Context, *api.Task) client.Result {
						// Deliberately slow: attempts that overlapped would
						// show in their start and end times.
						time.Sleep(30 * time.Millisecond)
						return client.Complete(nil)
					}},
			)
		}()
	}
	defer func() { stop(); wg.Wait() }()

	var rateStarts []int64
	var oneRuns [][2]int64 // startTime, endTime
	for _, id := range ids {
		wf := awaitEnded(t, ctx, c, id)
		if wf.Status != api.WorkflowCompleted {
			t.Fatalf("workflow %s is %s: %s", id, wf.Status, wf.ReasonForIncompletion)
		}
		for _, task := range wf.Tasks {
			if task.Status != api.TaskCompleted || task.RetryCount != 0 {
				t.Errorf("workflow %s: %s is %s (retry %d), want COMPLETED at the first attempt", id, task.ReferenceTaskName, task.Status, task.RetryCount)
			}
			switch task.TaskDefName {
			case "rate_limited":
				rateStarts = append(rateStarts, task.StartTime)
			case "one_at_a_time":
				oneRuns = append(oneRuns, [2]int64{task.StartTime, task.EndTime})
			}
		}
	}
	if len(rateStarts) != workflows || len(oneRuns) != workflows {
		t.Fatalf("%d rate-limited and %d concurrency-limited tasks, want %d each", len(rateStarts), len(oneRuns), workflows)
	}
	// Any 3 consecutive starts span at least the 1 s window.
	slices.Sort(rateStarts)
	for i := 2; i < len(rateStarts); i++ {
		if span := rateStarts[i] - rateStarts[i-2]; span < 1000 {
			t.Errorf("rate_limited starts %d..%d within %d ms, want at most 2 per second: %v", i-2, i, span, rateStarts)
		}
	}
	// Each attempt starts no earlier than the previous one ended.
	slices.SortFunc(oneRuns, func(a, b [2]int64) int { return int(a[0] - b[0]) })
	for i := 1; i < len(oneRuns); i++ {
		if oneRuns[i][0] < oneRuns[i-1][1] {
			t.Errorf("one_at_a_time attempts overlap: %v then %v", oneRuns[i-1], oneRuns[i])
		}
	}
}

// TestConductorLimitTaskDefs registers Conductor's e2e task definitions
// with limits and checks that the limits read back as registered.
func TestConductorLimitTaskDefs(t *testing.T) {
	_, u := fixtureServer(t)
	raw, err := os.ReadFile(filepath.Join(conductorFixtures, "tasks_data.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want []map[string]any
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	do(t, "POST", u+"/metadata/taskdefs", raw).want(t, 200)
	limited := 0
	for _, w := range want {
		var got map[string]any
		do(t, "GET", u+"/metadata/taskdefs/"+w["name"].(string), nil).want(t, 200).json(t, &got)
		for _, k := range []string{"name", "rateLimitPerFrequency", "rateLimitFrequencyInSeconds", "concurrentExecLimit"} {
			if fmt.Sprint(got[k]) != fmt.Sprint(w[k]) {
				t.Errorf("%s: %s = %v, want %v", w["name"], k, got[k], w[k])
			}
		}
		if w["concurrentExecLimit"] != nil || w["rateLimitPerFrequency"].(float64) > 0 {
			limited++
		}
	}
	if limited != len(want) || limited == 0 {
		t.Fatalf("%d of %d fixture task definitions carry a limit; the fixture changed", limited, len(want))
	}
}
