// Package minheap is a binary min-heap of values that order themselves.
// Unlike container/heap it stores T directly, so pushing and popping box
// nothing: matching's delayed tasks and the decider's deadlines move
// through it on hot paths.
package minheap

// Lesser is a value that orders itself against another of its type.
type Lesser[T any] interface {
	Less(other T) bool
}

// Heap is a min-heap; the zero value is empty and ready to use.
type Heap[T Lesser[T]] struct {
	items []T
}

// Len is the number of values held.
func (h *Heap[T]) Len() int { return len(h.items) }

// Min is the least value; the heap must not be empty.
func (h *Heap[T]) Min() *T { return &h.items[0] }

// Push adds v.
func (h *Heap[T]) Push(v T) {
	h.items = append(h.items, v)
	s := h.items
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if !s[i].Less(s[p]) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

// Pop removes and returns the least value; the heap must not be empty.
// A heap that shrank to a quarter of its capacity gives the rest back.
func (h *Heap[T]) Pop() T {
	s := h.items
	v := s[0]
	last := len(s) - 1
	s[0] = s[last]
	var zero T
	s[last] = zero // drop what the value points to
	s = s[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(s) && s[l].Less(s[m]) {
			m = l
		}
		if r < len(s) && s[r].Less(s[m]) {
			m = r
		}
		if m == i {
			break
		}
		s[i], s[m] = s[m], s[i]
		i = m
	}
	if cap(s) > 64 && len(s) < cap(s)/4 {
		s = append([]T(nil), s...)
	}
	h.items = s
	return v
}
