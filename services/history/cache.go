package history

import (
	"container/list"

	"github.com/legatohq/legato/pkg/decider"
)

// stateCache is a shard's LRU of committed workflow states. Only the
// shard's goroutine touches it, so it has no lock.
type stateCache struct {
	max   int
	order *list.List // front = most recent; values are *decider.State
	items map[string]*list.Element
}

func newStateCache(max int) *stateCache {
	return &stateCache{max: max, order: list.New(), items: make(map[string]*list.Element)}
}

func (c *stateCache) get(id string) *decider.State {
	if el, ok := c.items[id]; ok {
		c.order.MoveToFront(el)
		return el.Value.(*decider.State)
	}
	return nil
}

func (c *stateCache) put(e *decider.State) {
	id := e.WorkflowID
	if el, ok := c.items[id]; ok {
		el.Value = e
		c.order.MoveToFront(el)
		return
	}
	c.items[id] = c.order.PushFront(e)
	for c.order.Len() > c.max {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.items, old.Value.(*decider.State).WorkflowID)
	}
}

func (c *stateCache) evict(id string) {
	if el, ok := c.items[id]; ok {
		c.order.Remove(el)
		delete(c.items, id)
	}
}
