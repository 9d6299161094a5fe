package history

import (
	"container/list"

	"github.com/legatohq/legato/pkg/decider"
)

// stateCache is a shard's LRU of committed workflow states. Only the
// shard's goroutine touches it, so it has no lock.
type stateCache struct {
	max   int
	order *list.List // front = most recent; values are *cached
	items map[string]*list.Element
}

// cached is a committed state and the LastEventID of its stored snapshot.
type cached struct {
	state  *decider.State
	snapAt int64
}

func newStateCache(max int) *stateCache {
	return &stateCache{max: max, order: list.New(), items: make(map[string]*list.Element)}
}

func (c *stateCache) get(id string) *cached {
	if el, ok := c.items[id]; ok {
		c.order.MoveToFront(el)
		return el.Value.(*cached)
	}
	return nil
}

func (c *stateCache) put(e *cached) {
	id := e.state.WorkflowID
	if el, ok := c.items[id]; ok {
		el.Value = e
		c.order.MoveToFront(el)
		return
	}
	c.items[id] = c.order.PushFront(e)
	for c.order.Len() > c.max {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.items, old.Value.(*cached).state.WorkflowID)
	}
}

func (c *stateCache) evict(id string) {
	if el, ok := c.items[id]; ok {
		c.order.Remove(el)
		delete(c.items, id)
	}
}
