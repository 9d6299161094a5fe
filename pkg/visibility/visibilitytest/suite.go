package visibilitytest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/visibility"
)

// Run runs the contract as subtests of t. open must return an empty
// store, fresh for each call, and register its Close with t.Cleanup.
func Run(t *testing.T, open func(t *testing.T) visibility.Store) {
	t.Helper()
	t.Run("Search", func(t *testing.T) {
		s := open(t)
		apply(t, s, corpus())
		apply(t, s, stale())
		for _, c := range searchCases() {
			t.Run(c.name, func(t *testing.T) { c.check(t, s) })
		}
	})
	for _, c := range writeCases() {
		t.Run(c.name, func(t *testing.T) { c.run(t, open(t)) })
	}
}

// searchCase is one search and what it must return: the ids in order and
// the total, or (err non-empty) an error wrapping ErrInvalidQuery whose
// message contains every string in err.
type searchCase struct {
	name  string
	tasks bool // search tasks rather than workflows
	q     visibility.Query
	want  []string
	total int64 // 0: len(want)
	err   []string
}

func (c searchCase) check(t *testing.T, s visibility.Store) {
	t.Helper()
	ids, total, err := search(t, s, c.tasks, c.q)
	if len(c.err) > 0 {
		if !errors.Is(err, visibility.ErrInvalidQuery) {
			t.Fatalf("%+v: err = %v, want ErrInvalidQuery", c.q, err)
		}
		for _, part := range c.err {
			if !strings.Contains(err.Error(), part) {
				t.Errorf("%+v: error %q does not mention %q", c.q, err, part)
			}
		}
		return
	}
	if err != nil {
		t.Fatalf("%+v: %v", c.q, err)
	}
	want := c.total
	if want == 0 {
		want = int64(len(c.want))
	}
	if !slices.Equal(ids, c.want) || total != want {
		t.Errorf("%+v:\n got %v (total %d)\nwant %v (total %d)", c.q, ids, total, c.want, want)
	}
}

// search runs q and returns the ids of the hits, in order.
func search(t *testing.T, s visibility.Store, tasks bool, q visibility.Query) ([]string, int64, error) {
	t.Helper()
	if tasks {
		p, err := s.SearchTasks(context.Background(), q)
		return ids(p, err, func(r api.TaskSummary) string { return r.TaskID })
	}
	p, err := s.SearchWorkflows(context.Background(), q)
	return ids(p, err, func(r api.WorkflowSummary) string { return r.WorkflowID })
}

func ids[T any](p *visibility.Page[T], err error, id func(T) string) ([]string, int64, error) {
	if err != nil {
		return nil, 0, err
	}
	out := []string{}
	for _, r := range p.Results {
		out = append(out, id(r))
	}
	return out, p.TotalHits, nil
}

func apply(t *testing.T, s visibility.Store, b *visibility.Batch) {
	t.Helper()
	if err := s.Apply(context.Background(), b); err != nil {
		t.Fatalf("Apply: %v", err)
	}
}

// expect runs a search that must succeed with the given ids.
func expect(t *testing.T, s visibility.Store, tasks bool, q visibility.Query, want ...string) {
	t.Helper()
	searchCase{q: q, tasks: tasks, want: append([]string{}, want...)}.check(t, s)
}

// workflow and task build summaries for write cases.
func workflow(id string, version int64, status string) api.WorkflowSummary {
	return api.WorkflowSummary{WorkflowID: id, WorkflowType: "wt", Version: 1, Status: status, StartTime: t0, EventVersion: version}
}

func task(id, workflowID string, version int64, status string) api.TaskSummary {
	return api.TaskSummary{TaskID: id, WorkflowID: workflowID, WorkflowType: "wt", TaskType: "SIMPLE", TaskDefName: "td",
		ReferenceTaskName: id, Status: status, UpdateTime: t0, EventVersion: version}
}
