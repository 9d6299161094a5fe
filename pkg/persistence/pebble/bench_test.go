package pebble

import (
	"bytes"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/persistence"
)

// BenchmarkCommit measures Commit as the history service drives it: 16
// shard owners committing at once, each batch one workflow round (2 events,
// a 2 KiB snapshot, one dispatch put and one delete). ns/op is wall time
// per commit across all 16, so 1e9/ns-op is commits per second.
func BenchmarkCommit(b *testing.B) {
	b.Run("sync", func(b *testing.B) { benchCommit(b, false) })
	b.Run("nosync", func(b *testing.B) { benchCommit(b, true) })
}

func benchCommit(b *testing.B, noSync bool) {
	const shards = 16
	s, err := Open(Options{Dir: b.TempDir(), NoSync: noSync, Logger: quietLogger()})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	snapshot := bytes.Repeat([]byte{'s'}, 2048)
	ctx := b.Context()

	var next atomic.Int64
	var wg sync.WaitGroup
	b.SetBytes(int64(len(snapshot)))
	b.ResetTimer()
	for shard := range shards {
		wg.Go(func() {
			prevTask := ""
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				wf := "wf-" + strconv.FormatInt(i, 10)
				task := wf + "-t1"
				batch := &persistence.Batch{
					Shard: shard,
					Workflows: []persistence.WorkflowWrite{{
						WorkflowID: wf,
						Events:     benchEvents(wf, task),
						Snapshot:   snapshot,
					}},
					PutDispatches: []api.Dispatch{{TaskID: task, WorkflowID: wf, TaskType: "charge"}},
				}
				if prevTask != "" {
					batch.DelDispatches = []string{prevTask}
				}
				prevTask = task
				if err := s.Commit(ctx, batch); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
}

func benchEvents(wf, task string) []events.Event {
	return []events.Event{
		{ID: 1, Type: events.WorkflowStarted, Time: 1_700_000_000_000, WorkflowStarted: &events.WorkflowStartedData{
			WorkflowID: wf, Name: "order", Version: 1, DefHash: "3f2a9c", Input: map[string]any{"orderId": wf},
		}},
		{ID: 2, Type: events.TaskScheduled, Time: 1_700_000_000_001, Ref: "charge_ref", TaskScheduled: &events.TaskScheduledData{
			TaskID: task, TaskType: "charge", TaskDefName: "charge", Input: map[string]any{"orderId": wf},
		}},
	}
}
