package minheap

import (
	"math/rand/v2"
	"slices"
	"testing"
)

type num int

func (a num) Less(b num) bool { return a < b }

// TestOrder: whatever the order of pushes, pops come out sorted, and
// interleaved pushes and pops always pop the least value held.
func TestOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var h Heap[num]
	var held []num
	for i := range 5000 {
		if i%3 == 2 && h.Len() > 0 {
			slices.Sort(held)
			if got := h.Pop(); got != held[0] {
				t.Fatalf("pop %d: got %d, want %d", i, got, held[0])
			}
			held = held[1:]
			continue
		}
		v := num(r.IntN(1000))
		h.Push(v)
		held = append(held, v)
	}
	slices.Sort(held)
	for _, want := range held {
		if *h.Min() != want {
			t.Fatalf("min %d, want %d", *h.Min(), want)
		}
		if got := h.Pop(); got != want {
			t.Fatalf("got %d, want %d", got, want)
		}
	}
	if h.Len() != 0 {
		t.Fatalf("%d left", h.Len())
	}
}
