package history

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/persistence"
	"github.com/legatohq/legato/pkg/workflow"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

var errInjected = errors.New("test: injected commit failure")

// failingEnv wraps every shard's roundEnv: commit number failAt (1-based,
// over all shards) fails without writing, and afterCommit records what
// each round sent, with the number of the commit it followed (0 for a
// round that wrote nothing). A round replies before it sends, so the
// record is by commit number rather than by when the test looks.
type failingEnv struct {
	failAt  int64
	commits atomic.Int64
	mu      sync.Mutex
	sent    []sent
}

type sent struct {
	commit int64
	*sends
}

func (f *failingEnv) install(s *Service) {
	for _, sh := range s.shards {
		real := sh.env
		var last int64 // this round's commit number; only the shard's goroutine uses it
		sh.env.commit = func(ctx context.Context, b *persistence.Batch) error {
			last = f.commits.Add(1)
			if last == f.failAt {
				return errInjected
			}
			return real.commit(ctx, b)
		}
		sh.env.afterCommit = func(ctx context.Context, snd *sends) {
			f.mu.Lock()
			f.sent = append(f.sent, sent{last, snd})
			f.mu.Unlock()
			last = 0
			real.afterCommit(ctx, snd)
		}
	}
}

// sentAfter lists what rounds sent after commit n.
func (f *failingEnv) sentAfter(n int64) []sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []sent
	for _, s := range f.sent {
		if s.commit == n {
			out = append(out, s)
		}
	}
	return out
}

// dispatched counts the dispatches of task id sent so far.
func (f *failingEnv) dispatched(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, s := range f.sent {
		for _, d := range s.dispatch {
			if d.TaskID == id {
				n++
			}
		}
	}
	return n
}

// TestFailedCommit fails the k-th commit of a two-task workflow's life,
// for every k. The request whose round failed gets the error; that round
// sends nothing (no dispatch, no notes, no wake-ups); the shard drops the
// states the round changed, so the next request reloads the stored truth;
// and retrying the request then finishes the workflow as if nothing had
// failed, each task offered exactly once.
func TestFailedCommit(t *testing.T) {
	def := &workflow.WorkflowDef{Name: "two", Version: 1, Tasks: []*workflow.WorkflowTask{
		{Name: "work", TaskReferenceName: "a", Type: workflow.TaskTypeSimple},
		{Name: "work", TaskReferenceName: "b", Type: workflow.TaskTypeSimple},
	}}
	const ops = 5 // start, start a, complete a, start b, complete b: one commit each
	for k := int64(1); k <= ops; k++ {
		t.Run(fmt.Sprintf("commit%d", k), func(t *testing.T) {
			ctx := context.Background()
			store := memStore(t, def)
			s, err := New(Options{Exec: store, Meta: store, Matching: &offers{}, Shards: 2, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			env := &failingEnv{failAt: k}
			env.install(s)
			if err := s.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(s.Close)

			req := &api.StartWorkflowRequest{Name: "two", IdempotencyKey: "k", IdempotencyStrategy: api.IdempotencyReturnExisting}
			id, _ := startID(req)
			sh := s.shardFor(id)
			// stored reads what the store holds, bypassing the shard.
			stored := func() *decider.State {
				st, err := s.loadState(ctx, id)
				if errors.Is(err, persistence.ErrNotFound) {
					return nil
				}
				if err != nil {
					t.Fatal(err)
				}
				return st
			}
			task := func(ref string) *decider.Task {
				st := stored()
				if st == nil || st.Latest(ref) == nil {
					t.Fatalf("no task %s stored", ref)
				}
				return st.Latest(ref)
			}
			steps := []struct {
				name string
				do   func() error
			}{
				{"start", func() error { _, err := s.StartWorkflow(ctx, req); return err }},
				{"start a", func() error { return startTask(ctx, s, id, task("a").ID) }},
				{"complete a", func() error { return complete(ctx, s, id, task("a").ID) }},
				{"start b", func() error { return startTask(ctx, s, id, task("b").ID) }},
				{"complete b", func() error { return complete(ctx, s, id, task("b").ID) }},
			}
			for i, step := range steps {
				before := stored()
				err := step.do()
				if int64(i+1) != k {
					if err != nil {
						t.Fatalf("%s: %v", step.name, err)
					}
					continue
				}
				if !errors.Is(err, errInjected) {
					t.Fatalf("%s: err = %v, want the injected commit failure", step.name, err)
				}
				if s := env.sentAfter(k); len(s) > 0 {
					t.Fatalf("%s: the failed round sent %+v", step.name, s[0].sends)
				}
				if c := sh.cache.get(id); c != nil {
					t.Fatalf("%s: the failed round's state (event %d) is still cached", step.name, c.LastEventID)
				}
				if got, want := encoded(t, stored()), encoded(t, before); got != want {
					t.Fatalf("%s: the failed round changed the store:\n got %s\nwant %s", step.name, got, want)
				}
				if err := step.do(); err != nil { // the next round reloads the stored state
					t.Fatalf("%s, retried: %v", step.name, err)
				}
			}
			st := stored()
			if st.Status != api.WorkflowCompleted {
				t.Fatalf("workflow %s, want COMPLETED", st.Status)
			}
			for _, ref := range []string{"a", "b"} {
				if n := env.dispatched(task(ref).ID); n != 1 {
					t.Errorf("task %s dispatched %d times, want once", ref, n)
				}
			}
			if got, want := encoded(t, sh.cache.get(id)), encoded(t, st); got != want {
				t.Errorf("cached state differs from the stored one:\n got %s\nwant %s", got, want)
			}
		})
	}
}

func startTask(ctx context.Context, s *Service, wfID, taskID string) error {
	return s.RecordTasksStarted(ctx, []api.StartTask{{WorkflowID: wfID, TaskID: taskID, WorkerID: "w"}})[0].Err
}

func complete(ctx context.Context, s *Service, wfID, taskID string) error {
	_, err := s.UpdateTask(ctx, &api.TaskResult{WorkflowInstanceID: wfID, TaskID: taskID, Status: api.TaskCompleted})
	return err
}

func encoded(t *testing.T, st *decider.State) string {
	t.Helper()
	if st == nil {
		return "<none>"
	}
	b, err := decider.Encode(st)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
