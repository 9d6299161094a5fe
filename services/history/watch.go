package history

import (
	"sync"
	"sync/atomic"
)

// watchers lets readers wait for a workflow's next commit instead of
// polling it. A shard's round notifies the workflows it committed; the
// common case, nobody watching, costs one atomic load per round.
type watchers struct {
	n  atomic.Int64
	mu sync.Mutex
	m  map[string][]chan struct{}
}

// add registers interest in id's next commit. The channel is closed then;
// cancel forgets it if it never fires.
func (w *watchers) add(id string) (<-chan struct{}, func()) {
	ch := make(chan struct{})
	w.mu.Lock()
	if w.m == nil {
		w.m = make(map[string][]chan struct{})
	}
	w.m[id] = append(w.m[id], ch)
	w.n.Add(1)
	w.mu.Unlock()
	return ch, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		for i, c := range w.m[id] {
			if c == ch {
				w.m[id] = append(w.m[id][:i], w.m[id][i+1:]...)
				if len(w.m[id]) == 0 {
					delete(w.m, id)
				}
				w.n.Add(-1)
				return
			}
		}
	}
}

// notify fires every watcher of the committed workflows.
func (w *watchers) notify(ids []string) {
	if w.n.Load() == 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, id := range ids {
		for _, ch := range w.m[id] {
			close(ch)
			w.n.Add(-1)
		}
		delete(w.m, id)
	}
}

// Watch returns a channel closed at the workflow's next commit. Register
// before reading the state a wait depends on, so no commit slips between.
func (s *Service) Watch(workflowID string) (<-chan struct{}, func()) {
	return s.shardFor(workflowID).watch.add(workflowID)
}
