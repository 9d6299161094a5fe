package matching

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/legatohq/legato/pkg/minheap"
)

// TestRingAgainstSlice checks ring against a plain slice under random
// pushes and pops at both ends, across grow and shrink.
func TestRingAgainstSlice(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var r ring
	var model []entry
	seq := uint64(0)
	for step := range 40_000 {
		// Drift between growing and draining phases.
		grow := (step/2000)%2 == 0
		switch op := rng.IntN(10); {
		case op < 4 || (grow && op < 7):
			seq++
			e := entry{taskID: "t", seq: seq}
			if rng.IntN(4) == 0 {
				r.pushFront(e)
				model = slices.Insert(model, 0, e)
			} else {
				r.pushBack(e)
				model = append(model, e)
			}
		case len(model) > 0:
			got := r.popFront()
			if got != model[0] {
				t.Fatalf("step %d: popFront = %v, want %v", step, got, model[0])
			}
			model = model[1:]
		}
		if r.len() != len(model) {
			t.Fatalf("step %d: len = %d, want %d", step, r.len(), len(model))
		}
	}
}

// TestDelayedHeapOrder checks that delayed entries pop in (visibleAt, seq)
// order (entry.Less).
func TestDelayedHeapOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var h minheap.Heap[entry]
	var model []entry
	for seq := range uint64(2000) {
		e := entry{visibleAt: int64(rng.IntN(100)), seq: seq}
		h.Push(e)
		model = append(model, e)
		if rng.IntN(3) == 0 {
			slices.SortFunc(model, func(a, b entry) int {
				return cmp.Or(cmp.Compare(a.visibleAt, b.visibleAt), cmp.Compare(a.seq, b.seq))
			})
			if got := h.Pop(); got != model[0] {
				t.Fatalf("pop = %v, want %v", got, model[0])
			}
			model = model[1:]
		}
	}
	slices.SortFunc(model, func(a, b entry) int {
		return cmp.Or(cmp.Compare(a.visibleAt, b.visibleAt), cmp.Compare(a.seq, b.seq))
	})
	for _, want := range model {
		if got := h.Pop(); got != want {
			t.Fatalf("pop = %v, want %v", got, want)
		}
	}
	if h.Len() != 0 {
		t.Fatalf("len = %d after draining", h.Len())
	}
}
