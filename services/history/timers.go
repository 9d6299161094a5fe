package history

import "container/heap"

// timerHeap holds one wake-up per workflow of a shard, earliest first. It
// mirrors the shard's timer rows; only the shard goroutine touches it.
type timerHeap struct {
	items []*timerItem
	index map[string]*timerItem
}

type timerItem struct {
	at  int64
	id  string
	pos int
}

func newTimerHeap() *timerHeap { return &timerHeap{index: make(map[string]*timerItem)} }

// set moves a workflow's wake-up to at; at == 0 removes it.
func (h *timerHeap) set(id string, at int64) {
	it, ok := h.index[id]
	switch {
	case ok && at == 0:
		heap.Remove(h, it.pos)
		delete(h.index, id)
	case ok:
		it.at = at
		heap.Fix(h, it.pos)
	case at != 0:
		it = &timerItem{at: at, id: id}
		h.index[id] = it
		heap.Push(h, it)
	}
}

// next is the earliest wake-up, or 0.
func (h *timerHeap) next() int64 {
	if len(h.items) == 0 {
		return 0
	}
	return h.items[0].at
}

// popDue removes and returns the workflows due at or before now.
func (h *timerHeap) popDue(now int64, max int) []string {
	var ids []string
	for len(h.items) > 0 && h.items[0].at <= now && len(ids) < max {
		it := heap.Pop(h).(*timerItem)
		delete(h.index, it.id)
		ids = append(ids, it.id)
	}
	return ids
}

func (h *timerHeap) Len() int           { return len(h.items) }
func (h *timerHeap) Less(i, j int) bool { return h.items[i].at < h.items[j].at }
func (h *timerHeap) Swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	h.items[i].pos, h.items[j].pos = i, j
}
func (h *timerHeap) Push(x any) {
	it := x.(*timerItem)
	it.pos = len(h.items)
	h.items = append(h.items, it)
}
func (h *timerHeap) Pop() any {
	n := len(h.items) - 1
	it := h.items[n]
	h.items = h.items[:n]
	return it
}
