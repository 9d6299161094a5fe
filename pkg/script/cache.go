package script

import (
	"container/list"
	"sync"
)

// cache is a bounded LRU map from source text to its compiled form (or the
// error compiling it, so a broken script run in a loop is parsed once).
// Compiled values are immutable and shared by concurrent calls.
type cache[V any] struct {
	max int

	mu struct {
		sync.Mutex
		order *list.List               // front = most recently used
		items map[string]*list.Element // of *entry[V]
	}
}

type entry[V any] struct {
	key string
	val V
	err error
}

func newCache[V any](max int) *cache[V] {
	c := &cache[V]{max: max}
	c.mu.order = list.New()
	c.mu.items = make(map[string]*list.Element, max)
	return c
}

// get returns the compiled form of src, calling compile on a miss. Two
// callers missing at once both compile; the second store wins, which is
// harmless since compiling is deterministic.
func (c *cache[V]) get(src string, compile func(string) (V, error)) (V, error) {
	c.mu.Lock()
	if el, ok := c.mu.items[src]; ok {
		c.mu.order.MoveToFront(el)
		e := el.Value.(*entry[V])
		c.mu.Unlock()
		return e.val, e.err
	}
	c.mu.Unlock()

	v, err := compile(src)
	if len(src) > maxCachedSource {
		return v, err
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.mu.items[src]; ok {
		c.mu.order.MoveToFront(el)
		return v, err
	}
	c.mu.items[src] = c.mu.order.PushFront(&entry[V]{key: src, val: v, err: err})
	for c.mu.order.Len() > c.max {
		el := c.mu.order.Back()
		c.mu.order.Remove(el)
		delete(c.mu.items, el.Value.(*entry[V]).key)
	}
	return v, err
}

// len reports the number of cached entries.
func (c *cache[V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mu.order.Len()
}
