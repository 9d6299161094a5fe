package decider

import (
	"sync"
	"testing"

	"github.com/legatohq/legato/pkg/workflow"
)

// TestGraphCache: one graph per definition snapshot, shared by concurrent
// callers; another snapshot gets its own.
func TestGraphCache(t *testing.T) {
	def := &workflow.WorkflowDef{Name: "g", Tasks: []*workflow.WorkflowTask{{Name: "a", TaskReferenceName: "a"}}}
	other := &workflow.WorkflowDef{Name: "g", Tasks: []*workflow.WorkflowTask{{Name: "b", TaskReferenceName: "b"}}}
	var wg sync.WaitGroup
	got := make([]*workflow.Graph, 16)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = graphOf(def)
		}()
	}
	wg.Wait()
	for _, g := range got {
		if g != got[0] || g.Task("a") == nil {
			t.Fatalf("graphOf gave different or wrong graphs for one definition")
		}
	}
	if g := graphOf(other); g == got[0] || g.Task("b") == nil || g.Task("a") != nil {
		t.Fatalf("graphOf(other) shares the first definition's graph")
	}
}
