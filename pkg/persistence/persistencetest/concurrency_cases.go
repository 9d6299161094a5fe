package persistencetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/persistence"
)

// testConcurrentShards runs 16 shard owners committing at once, as the
// history service does, then checks every row of every shard.
func testConcurrentShards(t *testing.T, s Stores) {
	const shards, rounds = 16, 25
	ctx := t.Context()
	var wg sync.WaitGroup
	for shard := range shards {
		wg.Go(func() {
			for r := range rounds {
				wf := fmt.Sprintf("s%d-w%d", shard, r)
				b := &persistence.Batch{
					Shard: shard,
					Workflows: []persistence.WorkflowWrite{
						{WorkflowID: wf, Events: eventRange(1, 2), Snapshot: []byte(wf)},
						// Every round of a shard also appends to one long history.
						{WorkflowID: fmt.Sprintf("s%d", shard), Events: eventRange(int64(r)+1, int64(r)+1), Snapshot: []byte(wf)},
					},
					PutDispatches: []api.Dispatch{{TaskID: wf + "-t", WorkflowID: wf, TaskType: "x"}},
					PutTimers:     []persistence.Timer{{At: int64(r), WorkflowID: wf}},
					PutTaskIndex:  []persistence.TaskIndex{{TaskID: wf + "-t", WorkflowID: wf}},
				}
				if r > 0 {
					b.DelDispatches = []string{fmt.Sprintf("s%d-w%d-t", shard, r-1)}
				}
				if err := s.Exec.Commit(ctx, b); err != nil {
					t.Errorf("Commit(shard %d, round %d): %v", shard, r, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	for shard := range shards {
		last := fmt.Sprintf("s%d-w%d", shard, rounds-1)
		equal(t, fmt.Sprintf("shard %d dispatches", shard), readDispatches(t, s.Exec, shard),
			[]api.Dispatch{{TaskID: last + "-t", WorkflowID: last, TaskType: "x"}})

		var timers []persistence.Timer
		for r := range rounds {
			timers = append(timers, persistence.Timer{At: int64(r), WorkflowID: fmt.Sprintf("s%d-w%d", shard, r)})
		}
		equal(t, fmt.Sprintf("shard %d timers", shard), readTimers(t, s.Exec, shard), timers)

		long := fmt.Sprintf("s%d", shard)
		equal(t, "history "+long, readEvents(t, s.Exec, long), eventRange(1, rounds))
		for r := range rounds {
			wf := fmt.Sprintf("s%d-w%d", shard, r)
			equal(t, wf+" events", readEvents(t, s.Exec, wf), eventRange(1, 2))
			state, err := s.Exec.State(ctx, wf)
			if err != nil {
				t.Fatalf("State(%s): %v", wf, err)
			}
			equal(t, wf+" state", string(state), wf)
			owner, err := s.Exec.TaskWorkflow(ctx, wf+"-t")
			if err != nil {
				t.Fatalf("TaskWorkflow(%s-t): %v", wf, err)
			}
			equal(t, wf+" task index", owner, wf)
		}
	}
}
