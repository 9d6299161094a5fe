package history

import (
	"context"
	"maps"
	"sync"
	"sync/atomic"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/persistence"
	"github.com/legatohq/legato/pkg/workflow"
)

// facts keeps what the decider reads from outside a workflow
// (decider.Facts) current, so that a round gathers it with two atomic
// loads and no I/O on the shard goroutine. Each fact is an immutable map,
// replaced whole when it changes.
//
//   - Registered task definitions are reloaded when the metadata store's
//     generation has moved: checked by every request before it enters a
//     shard (so whoever registered a TaskDef sees it in their next call),
//     and on each change notification (so rounds that timers start see it
//     too). A store that cannot say it changed is read once, at Start.
//   - When domain queues were last polled is what matching reports
//     (QueuePolled).
type facts struct {
	meta     persistence.MetadataStore
	taskDefs atomic.Pointer[taskDefs]
	reload   sync.Mutex // one reload at a time
	polledMu sync.Mutex // one writer of polled at a time
	polled   atomic.Pointer[map[api.TaskQueue]int64]
}

// taskDefs are the registered task definitions as of a metadata
// generation.
type taskDefs struct {
	gen    uint64
	byName map[string]*workflow.TaskDef
}

func newFacts(meta persistence.MetadataStore) *facts {
	f := &facts{meta: meta}
	f.polled.Store(&map[api.TaskQueue]int64{})
	return f
}

// current is the facts for a round; nil maps until Start has loaded them.
func (f *facts) current() decider.Facts {
	var byName map[string]*workflow.TaskDef
	if td := f.taskDefs.Load(); td != nil {
		byName = td.byName
	}
	return decider.Facts{TaskDefs: byName, Polled: *f.polled.Load()}
}

// refresh reloads the task definitions unless they are current.
func (f *facts) refresh(ctx context.Context) error {
	if f.fresh() {
		return nil
	}
	f.reload.Lock()
	defer f.reload.Unlock()
	if f.fresh() {
		return nil // another caller reloaded meanwhile
	}
	var gen uint64
	if g, ok := f.meta.(persistence.Generationer); ok {
		gen = g.Generation() // before the read: a write during it is seen next time
	}
	list, err := f.meta.TaskDefs(ctx)
	if err != nil {
		return err
	}
	byName := make(map[string]*workflow.TaskDef, len(list))
	for _, td := range list {
		byName[td.Name] = td
	}
	f.taskDefs.Store(&taskDefs{gen: gen, byName: byName})
	return nil
}

// fresh reports whether the loaded task definitions are current.
func (f *facts) fresh() bool {
	cur := f.taskDefs.Load()
	if cur == nil {
		return false
	}
	g, ok := f.meta.(persistence.Generationer)
	return !ok || cur.gen >= g.Generation()
}

// watch refreshes the task definitions after every metadata change until
// ctx ends; it returns at once for a store that cannot notify.
func (f *facts) watch(ctx context.Context, log func(err error)) {
	n, ok := f.meta.(persistence.ChangeNotifier)
	if !ok {
		return
	}
	for {
		changed := n.Changed()
		if err := f.refresh(ctx); err != nil && ctx.Err() == nil {
			log(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		}
	}
}

// polledAt records a queue's last poll, as matching reports it.
func (f *facts) polledAt(q api.TaskQueue, at int64) {
	f.polledMu.Lock()
	defer f.polledMu.Unlock()
	old := *f.polled.Load()
	if old[q] >= at {
		return
	}
	m := maps.Clone(old)
	m[q] = at
	f.polled.Store(&m)
}
