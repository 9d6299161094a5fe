package sqlite

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/visibility"
)

// TestApplyBesideSearches: searches run on their own pool while Apply
// writes, and each sees a committed state: a page never holds more
// summaries than its count, and counts never go down.
func TestApplyBesideSearches(t *testing.T) {
	s := open(t)
	// A failed writer cancels ctx, which ends the readers' loops.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const batches = 50
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	wg.Go(func() {
		for i := range batches {
			w := api.WorkflowSummary{WorkflowID: fmt.Sprintf("w%03d", i), WorkflowType: "t", Status: "RUNNING", StartTime: int64(i + 1), EventVersion: 1}
			if err := s.Apply(ctx, &visibility.Batch{Workflows: []api.WorkflowSummary{w}}); err != nil {
				errs <- err
				cancel()
				return
			}
		}
	})
	for range 3 {
		wg.Go(func() {
			var last int64
			for last < batches {
				p, err := s.SearchWorkflows(ctx, visibility.Query{Query: "status = RUNNING", Size: batches})
				if err != nil {
					errs <- err
					return
				}
				if p.TotalHits < last || int64(len(p.Results)) != p.TotalHits {
					errs <- fmt.Errorf("count %d after %d, %d results", p.TotalHits, last, len(p.Results))
					return
				}
				last = p.TotalHits
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
