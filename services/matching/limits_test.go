package matching

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/vfs"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/persistence/pebble"
	"github.com/legatohq/legato/pkg/workflow"
)

// limitedFixture is a fixture whose Service reads limits from a real
// (in-memory) Pebble store holding tds.
func limitedFixture(t *testing.T, h *recordingHistory, tds ...*workflow.TaskDef) (*fixture, *pebble.Store) {
	t.Helper()
	store, err := pebble.Open(pebble.Options{Dir: "db", FS: vfs.NewMem()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	putDefs(t, store, tds...)
	f := newFixtureOpts(t, h, Options{TaskDefs: store})
	return f, store
}

func putDefs(t *testing.T, store *pebble.Store, tds ...*workflow.TaskDef) {
	t.Helper()
	for _, td := range tds {
		td.ApplyDefaults()
	}
	if err := store.PutTaskDefs(context.Background(), tds); err != nil {
		t.Fatal(err)
	}
}

func rateDef(name string, n, perSeconds int) *workflow.TaskDef {
	return &workflow.TaskDef{Name: name, RateLimitPerFrequency: &n, RateLimitFrequencyInSeconds: &perSeconds}
}

func concurrencyDef(name string, n int) *workflow.TaskDef {
	return &workflow.TaskDef{Name: name, ConcurrentExecLimit: &n}
}

func taskIDRange(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return out
}

// checkWindows fails if any window of w holds more than n of the start
// times (epoch ms): any n+1 consecutive starts must span at least w.
func checkWindows(t *testing.T, starts []int64, n int, w time.Duration) {
	t.Helper()
	slices.Sort(starts)
	for i := n; i < len(starts); i++ {
		if span := starts[i] - starts[i-n]; span < w.Milliseconds() {
			t.Errorf("starts %d..%d within %d ms, want at most %d per %v: %v", i-n, i, span, n, w, starts)
		}
	}
}

// TestRateLimitSpreadsBurst: 7 tasks of a type limited to 2 per second,
// 3 pollers asking for 5 each: no window holds more than 2 starts, the
// rest stay queued, and long polls get them as the window opens.
func TestRateLimitSpreadsBurst(t *testing.T) {
	h := newHistory()
	f, _ := limitedFixture(t, h, rateDef("rl", 2, 1))
	all := taskIDRange("t", 7)
	f.s.Dispatch(context.Background(), dispatch("rl", "", all...))
	if got := mustPoll(t, f.s, "rl", "", 5, 0); len(got) != 2 {
		t.Fatalf("first poll got %v, want 2 tasks", got)
	}
	if got := f.s.QueueSize("rl", ""); got != 5 {
		t.Fatalf("QueueSize = %d, want 5 still queued", got)
	}
	if got := mustPoll(t, f.s, "rl", "", 5, 0); len(got) != 0 {
		t.Fatalf("poll within the window got %v", got)
	}

	// Three pollers until the 5 left are out; the first to see the last
	// one stops the others.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var got []string
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				tasks, err := f.s.Poll(ctx, "rl", "", "w", 5, 3*time.Second)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if got = append(got, ids(tasks)...); len(got) >= 5 {
					cancel()
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(got) != 5 {
		t.Fatalf("pollers got %v, want the 5 left", got)
	}
	var starts []int64
	for _, id := range all {
		if n := h.startsOf(id); n != 1 {
			t.Errorf("%s started %d times", id, n)
		}
		starts = append(starts, h.startTime(id))
	}
	checkWindows(t, starts, 2, time.Second)
}

// TestRateLimitAcrossDomains: the limit is the task type's, shared by its
// domains (as Conductor keys it by task definition name), and a poller
// waiting on one domain gets its task when the window opens.
func TestRateLimitAcrossDomains(t *testing.T) {
	h := newHistory()
	f, _ := limitedFixture(t, h, rateDef("rl", 2, 1))
	f.s.Dispatch(context.Background(), dispatch("rl", "a", "a0", "a1"))
	f.s.Dispatch(context.Background(), dispatch("rl", "b", "b0"))
	if got := mustPoll(t, f.s, "rl", "a", 5, 0); !slices.Equal(got, []string{"a0", "a1"}) {
		t.Fatalf("poll a = %v", got)
	}
	if got := mustPoll(t, f.s, "rl", "b", 1, 0); len(got) != 0 {
		t.Fatalf("poll b inside a's window = %v", got)
	}
	ch := f.pollAsync(context.Background(), "rl", "b", 1, 5*time.Second)
	r := recv(t, ch)
	if r.err != nil || !slices.Equal(ids(r.tasks), []string{"b0"}) {
		t.Fatalf("poll b = %v, %v", ids(r.tasks), r.err)
	}
	checkWindows(t, []int64{h.startTime("a0"), h.startTime("a1"), h.startTime("b0")}, 2, time.Second)
}

// TestConcurrencyLimitHoldsUntilRelease: with concurrentExecLimit 1 the
// next task goes only once the running one is released; a waiting poller
// gets it then. Releasing an id matching never handed out frees nothing.
func TestConcurrencyLimitHoldsUntilRelease(t *testing.T) {
	f, _ := limitedFixture(t, nil, concurrencyDef("cl", 1))
	f.s.Dispatch(context.Background(), dispatch("cl", "", "t0", "t1", "t2"))
	if got := mustPoll(t, f.s, "cl", "", 5, 0); !slices.Equal(got, []string{"t0"}) {
		t.Fatalf("first poll = %v, want [t0]", got)
	}
	if got := mustPoll(t, f.s, "cl", "", 5, 0); len(got) != 0 {
		t.Fatalf("poll while t0 runs = %v", got)
	}
	if got := f.s.QueueSize("cl", ""); got != 2 {
		t.Fatalf("QueueSize = %d, want 2", got)
	}
	ch := f.pollAsync(context.Background(), "cl", "", 5, 10*time.Second)
	f.awaitWaiting(t, "cl", "", 1)
	f.s.Release(context.Background(), dispatch("cl", "", "unknown"))
	f.s.Release(context.Background(), dispatch("other", "", "t0"))
	select {
	case r := <-ch:
		t.Fatalf("poll returned %v before t0 was released", ids(r.tasks))
	case <-time.After(100 * time.Millisecond):
	}
	f.s.Release(context.Background(), dispatch("cl", "", "t0"))
	if r := recv(t, ch); r.err != nil || !slices.Equal(ids(r.tasks), []string{"t1"}) {
		t.Fatalf("waiting poll = %v, %v, want [t1]", ids(r.tasks), r.err)
	}
	// A second release of t0 does not make room for t2 next to t1.
	f.s.Release(context.Background(), dispatch("cl", "", "t0"))
	if got := mustPoll(t, f.s, "cl", "", 5, 0); len(got) != 0 {
		t.Fatalf("poll while t1 runs = %v", got)
	}
}

// TestOccupyCountsUntilRelease: tasks a previous process handed out,
// occupied at start, fill concurrentExecLimit until released; occupying
// them twice counts them once, and tasks of types without a limit (or
// system tasks) are ignored.
func TestOccupyCountsUntilRelease(t *testing.T) {
	f, _ := limitedFixture(t, nil, concurrencyDef("cl", 2))
	ctx := context.Background()
	f.s.Occupy(ctx, dispatch("free", "", "f0"))
	f.s.Occupy(ctx, dispatch("cl", api.SystemDomain, "s0", "s1"))
	f.s.Occupy(ctx, dispatch("cl", "", "old0", "old1"))
	f.s.Occupy(ctx, dispatch("cl", "d", "old1"))
	f.s.Dispatch(ctx, dispatch("cl", "", "t0", "t1"))
	f.s.Dispatch(ctx, dispatch("free", "", "f1"))
	if got := mustPoll(t, f.s, "free", "", 5, 0); !slices.Equal(got, []string{"f1"}) {
		t.Fatalf("poll of an unlimited type = %v, want [f1]", got)
	}
	if got := mustPoll(t, f.s, "cl", "", 5, 0); len(got) != 0 {
		t.Fatalf("poll while old0 and old1 run = %v", got)
	}
	ch := f.pollAsync(ctx, "cl", "", 5, 10*time.Second)
	f.awaitWaiting(t, "cl", "", 1)
	f.s.Release(ctx, dispatch("cl", "", "s0", "f0"))
	select {
	case r := <-ch:
		t.Fatalf("poll returned %v before an occupied task was released", ids(r.tasks))
	case <-time.After(100 * time.Millisecond):
	}
	f.s.Release(ctx, dispatch("cl", "", "old1"))
	if r := recv(t, ch); r.err != nil || !slices.Equal(ids(r.tasks), []string{"t0"}) {
		t.Fatalf("waiting poll = %v, %v, want [t0]", ids(r.tasks), r.err)
	}
	if got := mustPoll(t, f.s, "cl", "", 5, 0); len(got) != 0 {
		t.Fatalf("poll while old0 and t0 run = %v", got)
	}
	f.s.Release(ctx, dispatch("cl", "", "old0"))
	if got := mustPoll(t, f.s, "cl", "", 5, 0); !slices.Equal(got, []string{"t1"}) {
		t.Fatalf("poll after old0's release = %v, want [t1]", got)
	}
}

// TestRefusedStartFreesRoom: a task history refuses does not count as
// running, so the poll goes on to the next one.
func TestRefusedStartFreesRoom(t *testing.T) {
	f, _ := limitedFixture(t, newHistory("t0"), concurrencyDef("cl", 1))
	f.s.Dispatch(context.Background(), dispatch("cl", "", "t0", "t1"))
	if got := mustPoll(t, f.s, "cl", "", 1, time.Second); !slices.Equal(got, []string{"t1"}) {
		t.Fatalf("poll = %v, want [t1]", got)
	}
}

// TestRedispatchOfRunningTaskKeepsItCounted: a running task dispatched
// again is refused by history, and still counts as running.
func TestRedispatchOfRunningTaskKeepsItCounted(t *testing.T) {
	f, _ := limitedFixture(t, nil, concurrencyDef("cl", 2))
	f.s.Dispatch(context.Background(), dispatch("cl", "", "t0"))
	if got := mustPoll(t, f.s, "cl", "", 1, 0); !slices.Equal(got, []string{"t0"}) {
		t.Fatalf("poll = %v", got)
	}
	f.s.Dispatch(context.Background(), dispatch("cl", "", "t0", "t1", "t2"))
	if got := mustPoll(t, f.s, "cl", "", 5, 0); !slices.Equal(got, []string{"t1"}) {
		t.Fatalf("poll = %v, want [t1] next to the running t0", got)
	}
}

// TestCanceledPollFreesReservation: tasks a poll took but gave back
// because its ctx ended do not count against the limit.
func TestCanceledPollFreesReservation(t *testing.T) {
	f, _ := limitedFixture(t, nil, concurrencyDef("cl", 1))
	ctx, cancel := context.WithCancel(context.Background())
	ch := f.pollAsync(ctx, "cl", "", 1, 10*time.Second)
	f.awaitWaiting(t, "cl", "", 1)
	// Cancel and dispatch race: either the poll got t0 and put it back,
	// or it left before. Either way t0 is free for the next poll.
	cancel()
	f.s.Dispatch(context.Background(), dispatch("cl", "", "t0"))
	if r := recv(t, ch); r.err != nil {
		t.Fatal(r.err)
	}
	if got := mustPoll(t, f.s, "cl", "", 1, time.Second); !slices.Equal(got, []string{"t0"}) {
		t.Fatalf("poll = %v, want [t0]", got)
	}
}

// TestLimitEditsApplyWithoutRestart: a TaskDef edit applies from the next
// poll on; removing the limit frees the type.
func TestLimitEditsApplyWithoutRestart(t *testing.T) {
	f, store := limitedFixture(t, nil)
	f.s.Dispatch(context.Background(), dispatch("cl", "", taskIDRange("t", 6)...))
	if got := mustPoll(t, f.s, "cl", "", 2, 0); len(got) != 2 {
		t.Fatalf("poll without a TaskDef = %v", got)
	}
	putDefs(t, store, concurrencyDef("cl", 3))
	if got := mustPoll(t, f.s, "cl", "", 5, 0); len(got) != 3 {
		t.Fatalf("poll with concurrentExecLimit 3 = %v, want 3 (the 2 earlier ones are not counted)", got)
	}
	if got := mustPoll(t, f.s, "cl", "", 5, 0); len(got) != 0 {
		t.Fatalf("poll at the limit = %v", got)
	}
	putDefs(t, store, &workflow.TaskDef{Name: "cl"})
	if got := mustPoll(t, f.s, "cl", "", 5, 0); len(got) != 1 {
		t.Fatalf("poll after the limit was removed = %v, want the last task", got)
	}
}

// TestCloseReleasesLimitedWaiter: a poller waiting on a limit is released
// by Close, and the limiter's alarm is stopped (goleak checks).
func TestCloseReleasesLimitedWaiter(t *testing.T) {
	f, _ := limitedFixture(t, nil, rateDef("rl", 1, 60))
	f.s.Dispatch(context.Background(), dispatch("rl", "", "t0", "t1"))
	if got := mustPoll(t, f.s, "rl", "", 2, 0); len(got) != 1 {
		t.Fatalf("poll = %v", got)
	}
	ch := f.pollAsync(context.Background(), "rl", "", 1, 30*time.Second)
	f.awaitWaiting(t, "rl", "", 1)
	f.s.Close()
	if r := recv(t, ch); r.err != ErrClosed {
		t.Fatalf("waiting poll after Close: %v, %v", ids(r.tasks), r.err)
	}
}

// TestLimitsOf: Conductor's reading of the TaskDef fields.
func TestLimitsOf(t *testing.T) {
	zero, two, five := 0, 2, 5
	for _, c := range []struct {
		td   workflow.TaskDef
		want limits
	}{
		{workflow.TaskDef{}, limits{}},
		{workflow.TaskDef{RateLimitPerFrequency: &two}, limits{rate: 2, windowMs: 1000}},
		{workflow.TaskDef{RateLimitPerFrequency: &two, RateLimitFrequencyInSeconds: &five}, limits{rate: 2, windowMs: 5000}},
		{workflow.TaskDef{RateLimitPerFrequency: &two, RateLimitFrequencyInSeconds: &zero}, limits{}},
		{workflow.TaskDef{RateLimitPerFrequency: &zero, ConcurrentExecLimit: &five}, limits{inFlight: 5}},
	} {
		if got := limitsOf(&c.td); got != c.want {
			t.Errorf("limitsOf(%+v) = %+v, want %+v", c.td, got, c.want)
		}
	}
}
