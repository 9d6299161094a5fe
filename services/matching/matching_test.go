package matching

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/vfs"
	"go.uber.org/goleak"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/persistence/pebble"
	"github.com/legatohq/legato/pkg/workflow"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

var errRefused = errors.New("test: start refused")

// recordingHistory is a History that starts every task once, refuses a
// second start of the same id (as the real history does) and refuses the
// ids it was told to.
type recordingHistory struct {
	mu        sync.Mutex
	refuse    map[string]bool
	starts    map[string]int   // start requests per task id
	startedAt map[string]int64 // epoch ms of each accepted start, as history's startTime
	calls     int
	polled    []string // QueuePolled reports, "type/domain@ms"
}

var _ History = (*recordingHistory)(nil)

func newHistory(refuse ...string) *recordingHistory {
	h := &recordingHistory{refuse: map[string]bool{}, starts: map[string]int{}, startedAt: map[string]int64{}}
	for _, id := range refuse {
		h.refuse[id] = true
	}
	return h
}

func (h *recordingHistory) RecordTasksStarted(_ context.Context, reqs []api.StartTask) []api.StartedTask {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls++
	out := make([]api.StartedTask, len(reqs))
	for i, r := range reqs {
		h.starts[r.TaskID]++
		if h.refuse[r.TaskID] || h.starts[r.TaskID] > 1 {
			out[i].Err = errRefused
			continue
		}
		h.startedAt[r.TaskID] = time.Now().UnixMilli()
		out[i].Task = &api.Task{
			TaskID:             r.TaskID,
			WorkflowInstanceID: r.WorkflowID,
			WorkerID:           r.WorkerID,
			Status:             api.TaskInProgress,
		}
	}
	return out
}

func (h *recordingHistory) QueuePolled(q api.TaskQueue, at int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.polled = append(h.polled, fmt.Sprintf("%s/%s@%d", q.TaskType, q.Domain, at))
}

func (h *recordingHistory) polls() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.polled)
}

func (h *recordingHistory) startsOf(id string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.starts[id]
}

func (h *recordingHistory) startTime(id string) int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.startedAt[id]
}

func (h *recordingHistory) callCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.calls
}

// testClock is an injectable clock that moves only when told.
type testClock struct{ ms atomic.Int64 }

func newClock() *testClock {
	c := &testClock{}
	c.ms.Store(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli())
	return c
}

func (c *testClock) now() time.Time          { return time.UnixMilli(c.ms.Load()) }
func (c *testClock) nowMs() int64            { return c.ms.Load() }
func (c *testClock) advance(d time.Duration) { c.ms.Add(d.Milliseconds()) }

type fixture struct {
	s       *Service
	h       *recordingHistory
	waiting chan struct{} // signaled each time a poller starts waiting
}

func newFixture(t testing.TB, h *recordingHistory, now func() time.Time) *fixture {
	t.Helper()
	return newFixtureOpts(t, h, Options{Now: now})
}

// newFixtureOpts is newFixture with more options; History is h.
func newFixtureOpts(t testing.TB, h *recordingHistory, opts Options) *fixture {
	t.Helper()
	if h == nil {
		h = newHistory()
	}
	opts.History, opts.MaxPollTimeout = h, time.Minute
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{s: s, h: h, waiting: make(chan struct{}, 1)}
	s.waitHook = func() {
		select {
		case f.waiting <- struct{}{}:
		default: // a signal is already pending; awaitWaiting re-checks the count
		}
	}
	t.Cleanup(s.Close)
	return f
}

// awaitWaiting blocks until n pollers wait on the queue.
func (f *fixture) awaitWaiting(t *testing.T, taskType, domain string, n int) {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for f.s.waiting(taskType, domain) < n {
		select {
		case <-f.waiting:
		case <-deadline.C:
			t.Fatalf("%d pollers waiting on %s/%q, want %d", f.s.waiting(taskType, domain), taskType, domain, n)
		}
	}
}

type pollResult struct {
	tasks []*api.Task
	err   error
	took  time.Duration
}

func (f *fixture) pollAsync(ctx context.Context, taskType, domain string, count int, timeout time.Duration) <-chan pollResult {
	ch := make(chan pollResult, 1)
	go func() {
		start := time.Now()
		tasks, err := f.s.Poll(ctx, taskType, domain, "w1", count, timeout)
		ch <- pollResult{tasks, err, time.Since(start)}
	}()
	return ch
}

func recv(t *testing.T, ch <-chan pollResult) pollResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(20 * time.Second):
		t.Fatal("poll did not return")
		return pollResult{}
	}
}

func dispatch(taskType, domain string, ids ...string) []api.Dispatch {
	ds := make([]api.Dispatch, len(ids))
	for i, id := range ids {
		ds[i] = api.Dispatch{TaskID: id, WorkflowID: "wf-" + id, TaskType: taskType, Domain: domain}
	}
	return ds
}

func ids(tasks []*api.Task) []string {
	out := make([]string, len(tasks))
	for i, t := range tasks {
		out[i] = t.TaskID
	}
	return out
}

func mustPoll(t *testing.T, s *Service, taskType, domain string, count int, timeout time.Duration) []string {
	t.Helper()
	tasks, err := s.Poll(context.Background(), taskType, domain, "w1", count, timeout)
	if err != nil {
		t.Fatalf("Poll(%s, %q): %v", taskType, domain, err)
	}
	if tasks == nil {
		t.Fatalf("Poll(%s, %q) returned a nil slice", taskType, domain)
	}
	return ids(tasks)
}

func TestNewValidates(t *testing.T) {
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{}, "matching: invalid options: Options.History is nil, want a History"},
		{Options{History: newHistory(), MaxPollTimeout: -time.Second}, "matching: invalid options: Options.MaxPollTimeout is -1s, want >= 0"},
	} {
		if _, err := New(c.o); !errors.Is(err, ErrInvalidOptions) || err.Error() != c.want {
			t.Errorf("New: err = %v, want %q", err, c.want)
		}
	}
	s, err := New(Options{History: newHistory()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.maxPollTimeout != DefaultMaxPollTimeout {
		t.Fatalf("maxPollTimeout = %v, want %v", s.maxPollTimeout, DefaultMaxPollTimeout)
	}
}

func TestPollReturnsDispatchedTask(t *testing.T) {
	f := newFixture(t, nil, nil)
	f.s.Dispatch(context.Background(), dispatch("charge", "", "t1"))
	if n := f.s.QueueSize("charge", ""); n != 1 {
		t.Fatalf("QueueSize = %d, want 1", n)
	}
	tasks, err := f.s.Poll(context.Background(), "charge", "", "worker-7", 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(tasks) != 1 || tasks[0].TaskID != "t1" || tasks[0].WorkflowInstanceID != "wf-t1" || tasks[0].WorkerID != "worker-7" {
		t.Fatalf("Poll = %+v, want t1 of wf-t1 started by worker-7", tasks)
	}
	if n := f.s.QueueSize("charge", ""); n != 0 {
		t.Fatalf("QueueSize after poll = %d, want 0", n)
	}
	if got := mustPoll(t, f.s, "charge", "", 1, 0); len(got) != 0 {
		t.Fatalf("second Poll = %v, want none", got)
	}
}

func TestPollEmptyQueueTimesOut(t *testing.T) {
	f := newFixture(t, nil, nil)
	const timeout = 50 * time.Millisecond
	r := recv(t, f.pollAsync(context.Background(), "charge", "", 1, timeout))
	if r.err != nil || r.tasks == nil || len(r.tasks) != 0 {
		t.Fatalf("Poll = %v, %v; want empty non-nil slice, nil", r.tasks, r.err)
	}
	if r.took < timeout {
		t.Fatalf("Poll returned after %v, before its %v timeout", r.took, timeout)
	}
	if n := f.s.waiting("charge", ""); n != 0 {
		t.Fatalf("%d pollers still waiting after timeout", n)
	}
}

func TestPollTimeoutIsCapped(t *testing.T) {
	s, err := New(Options{History: newHistory(), MaxPollTimeout: 30 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	done := make(chan error, 1)
	go func() {
		_, err := s.Poll(context.Background(), "charge", "", "w1", 1, time.Hour)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Poll ignored MaxPollTimeout")
	}
}

func TestPollCanceledWhileWaiting(t *testing.T) {
	f := newFixture(t, nil, nil)
	ctx, cancel := context.WithCancel(context.Background())
	ch := f.pollAsync(ctx, "charge", "", 1, 10*time.Second)
	f.awaitWaiting(t, "charge", "", 1)
	cancel()
	r := recv(t, ch)
	if r.err != nil || r.tasks == nil || len(r.tasks) != 0 {
		t.Fatalf("Poll = %v, %v; want empty non-nil slice, nil", r.tasks, r.err)
	}
	if n := f.s.waiting("charge", ""); n != 0 {
		t.Fatalf("%d pollers still waiting after cancel", n)
	}
	// The queue still works for the next poller.
	f.s.Dispatch(context.Background(), dispatch("charge", "", "t1"))
	if got := mustPoll(t, f.s, "charge", "", 1, 0); !slices.Equal(got, []string{"t1"}) {
		t.Fatalf("Poll = %v, want [t1]", got)
	}
}

func TestWaitingPollerGetsLaterDispatch(t *testing.T) {
	f := newFixture(t, nil, nil)
	const timeout = 10 * time.Second
	ch := f.pollAsync(context.Background(), "charge", "", 1, timeout)
	f.awaitWaiting(t, "charge", "", 1)
	f.s.Dispatch(context.Background(), dispatch("charge", "", "t1"))
	r := recv(t, ch)
	if r.err != nil || !slices.Equal(ids(r.tasks), []string{"t1"}) {
		t.Fatalf("Poll = %v, %v; want [t1]", ids(r.tasks), r.err)
	}
	if r.took >= timeout/2 {
		t.Fatalf("hand-off took %v: the poller was not woken by Dispatch", r.took)
	}
	if n := f.s.QueueSize("charge", ""); n != 0 {
		t.Fatalf("QueueSize = %d, want 0: the task went to the poller", n)
	}
}

func TestHandOffOldestPollerFirst(t *testing.T) {
	f := newFixture(t, nil, nil)
	first := f.pollAsync(context.Background(), "charge", "", 1, 10*time.Second)
	f.awaitWaiting(t, "charge", "", 1)
	second := f.pollAsync(context.Background(), "charge", "", 1, 10*time.Second)
	f.awaitWaiting(t, "charge", "", 2)
	f.s.Dispatch(context.Background(), dispatch("charge", "", "t1"))
	if r := recv(t, first); !slices.Equal(ids(r.tasks), []string{"t1"}) {
		t.Fatalf("first poller got %v, want [t1]", ids(r.tasks))
	}
	f.s.Dispatch(context.Background(), dispatch("charge", "", "t2"))
	if r := recv(t, second); !slices.Equal(ids(r.tasks), []string{"t2"}) {
		t.Fatalf("second poller got %v, want [t2]", ids(r.tasks))
	}
}

func TestPollBatch(t *testing.T) {
	f := newFixture(t, nil, nil)
	f.s.Dispatch(context.Background(), dispatch("charge", "", "t0", "t1", "t2", "t3", "t4"))
	if got := mustPoll(t, f.s, "charge", "", 3, 0); !slices.Equal(got, []string{"t0", "t1", "t2"}) {
		t.Fatalf("Poll(3) = %v, want [t0 t1 t2] (FIFO)", got)
	}
	if got := mustPoll(t, f.s, "charge", "", 3, 0); !slices.Equal(got, []string{"t3", "t4"}) {
		t.Fatalf("Poll(3) = %v, want [t3 t4]", got)
	}
	if c := f.h.callCount(); c != 2 {
		t.Fatalf("RecordTasksStarted called %d times, want once per poll", c)
	}

	// A waiting batch poller gets up to its count from one Dispatch.
	ch := f.pollAsync(context.Background(), "charge", "", 3, 10*time.Second)
	f.awaitWaiting(t, "charge", "", 1)
	f.s.Dispatch(context.Background(), dispatch("charge", "", "t5", "t6", "t7", "t8"))
	if r := recv(t, ch); !slices.Equal(ids(r.tasks), []string{"t5", "t6", "t7"}) {
		t.Fatalf("waiting Poll(3) = %v, want [t5 t6 t7]", ids(r.tasks))
	}
	if n := f.s.QueueSize("charge", ""); n != 1 {
		t.Fatalf("QueueSize = %d, want 1", n)
	}
}

func TestPollReturnsWithoutFillingCount(t *testing.T) {
	f := newFixture(t, nil, nil)
	ch := f.pollAsync(context.Background(), "charge", "", 10, 10*time.Second)
	f.awaitWaiting(t, "charge", "", 1)
	f.s.Dispatch(context.Background(), dispatch("charge", "", "t1"))
	r := recv(t, ch)
	if !slices.Equal(ids(r.tasks), []string{"t1"}) || r.took >= 5*time.Second {
		t.Fatalf("Poll(10) = %v after %v, want [t1] at once", ids(r.tasks), r.took)
	}
}

func TestDomainIsolation(t *testing.T) {
	f := newFixture(t, nil, nil)
	ctx := context.Background()
	f.s.Dispatch(ctx, append(dispatch("charge", "", "plain"), dispatch("charge", "eu", "eu1")...))
	f.s.Dispatch(ctx, dispatch("refund", "", "other"))

	if got := mustPoll(t, f.s, "charge", "eu", 10, 0); !slices.Equal(got, []string{"eu1"}) {
		t.Fatalf("Poll(charge, eu) = %v, want [eu1]", got)
	}
	if got := mustPoll(t, f.s, "charge", "eu", 10, 0); len(got) != 0 {
		t.Fatalf("Poll(charge, eu) again = %v, want none", got)
	}
	if got := mustPoll(t, f.s, "charge", "us", 10, 0); len(got) != 0 {
		t.Fatalf("Poll(charge, us) = %v, want none", got)
	}
	if got := mustPoll(t, f.s, "charge", "", 10, 0); !slices.Equal(got, []string{"plain"}) {
		t.Fatalf("Poll(charge, \"\") = %v, want [plain]", got)
	}

	// A poller waiting on a domain is not woken by a no-domain task.
	ch := f.pollAsync(ctx, "charge", "eu", 1, 10*time.Second)
	f.awaitWaiting(t, "charge", "eu", 1)
	f.s.Dispatch(ctx, dispatch("charge", "", "plain2"))
	f.s.Dispatch(ctx, dispatch("charge", "eu", "eu2"))
	if r := recv(t, ch); !slices.Equal(ids(r.tasks), []string{"eu2"}) {
		t.Fatalf("waiting Poll(charge, eu) = %v, want [eu2]", ids(r.tasks))
	}
	if n := f.s.QueueSize("charge", ""); n != 1 {
		t.Fatalf("QueueSize(charge, \"\") = %d, want 1", n)
	}
}

func TestRefusedTasksDroppedAndPollerKeepsWaiting(t *testing.T) {
	f := newFixture(t, newHistory("gone1", "gone2"), nil)
	ctx := context.Background()
	f.s.Dispatch(ctx, dispatch("charge", "", "gone1", "gone2"))
	ch := f.pollAsync(ctx, "charge", "", 5, 10*time.Second)
	// The poller takes both, history refuses both, and it waits again.
	f.awaitWaiting(t, "charge", "", 1)
	if n := f.s.QueueSize("charge", ""); n != 0 {
		t.Fatalf("QueueSize = %d, want 0: refused tasks are dropped", n)
	}
	f.s.Dispatch(ctx, dispatch("charge", "", "t1"))
	r := recv(t, ch)
	if r.err != nil || !slices.Equal(ids(r.tasks), []string{"t1"}) {
		t.Fatalf("Poll = %v, %v; want [t1]", ids(r.tasks), r.err)
	}
	for _, id := range []string{"gone1", "gone2", "t1"} {
		if n := f.h.startsOf(id); n != 1 {
			t.Fatalf("%s start requested %d times, want 1", id, n)
		}
	}
}

func TestPartlyRefusedBatchReturnsAccepted(t *testing.T) {
	f := newFixture(t, newHistory("t1"), nil)
	f.s.Dispatch(context.Background(), dispatch("charge", "", "t0", "t1", "t2"))
	if got := mustPoll(t, f.s, "charge", "", 3, 0); !slices.Equal(got, []string{"t0", "t2"}) {
		t.Fatalf("Poll = %v, want [t0 t2]", got)
	}
}

func TestDispatchDedupesQueuedTaskID(t *testing.T) {
	c := newClock()
	f := newFixture(t, nil, c.now)
	ctx := context.Background()
	f.s.Dispatch(ctx, dispatch("charge", "", "t1", "t1", "t2"))
	f.s.Dispatch(ctx, dispatch("charge", "", "t1"))
	// A delayed copy of a visible task is a duplicate too.
	f.s.Dispatch(ctx, []api.Dispatch{{TaskID: "t2", WorkflowID: "wf-t2", TaskType: "charge", VisibleAt: c.nowMs() + 60_000}})
	// So is a later copy of a delayed task.
	f.s.Dispatch(ctx, []api.Dispatch{{TaskID: "t3", WorkflowID: "wf-t3", TaskType: "charge", VisibleAt: c.nowMs() + 60_000}})
	f.s.Dispatch(ctx, []api.Dispatch{{TaskID: "t3", WorkflowID: "wf-t3", TaskType: "charge", VisibleAt: c.nowMs() + 90_000}})
	if n := f.s.QueueSize("charge", ""); n != 3 {
		t.Fatalf("QueueSize = %d, want 3", n)
	}
	if got := mustPoll(t, f.s, "charge", "", 10, 0); !slices.Equal(got, []string{"t1", "t2"}) {
		t.Fatalf("Poll = %v, want [t1 t2]", got)
	}
	for _, id := range []string{"t1", "t2"} {
		if n := f.h.startsOf(id); n != 1 {
			t.Fatalf("%s start requested %d times, want 1", id, n)
		}
	}
	c.advance(time.Minute)
	if got := mustPoll(t, f.s, "charge", "", 10, 0); !slices.Equal(got, []string{"t3"}) {
		t.Fatalf("Poll after delay = %v, want [t3]", got)
	}
	c.advance(time.Minute)
	if got := mustPoll(t, f.s, "charge", "", 10, 0); len(got) != 0 {
		t.Fatalf("Poll after the later copy's time = %v, want none", got)
	}
}

// A copy of a delayed task that is visible sooner (history's
// resetcallbacks) offers it at once, and only once: the delayed entry it
// supersedes is not offered when its time comes.
func TestRedispatchSoonerSupersedesDelayed(t *testing.T) {
	c := newClock()
	f := newFixture(t, nil, c.now)
	ctx := context.Background()
	f.s.Dispatch(ctx, []api.Dispatch{{TaskID: "t1", WorkflowID: "wf", TaskType: "charge", VisibleAt: c.nowMs() + 60_000}})
	f.s.Dispatch(ctx, dispatch("charge", "", "t0"))
	if got := mustPoll(t, f.s, "charge", "", 10, 0); !slices.Equal(got, []string{"t0"}) {
		t.Fatalf("Poll = %v, want [t0]", got)
	}
	f.s.Dispatch(ctx, dispatch("charge", "", "t1"))
	if n := f.s.QueueSize("charge", ""); n != 1 {
		t.Fatalf("QueueSize = %d, want 1", n)
	}
	if got := mustPoll(t, f.s, "charge", "", 10, 0); !slices.Equal(got, []string{"t1"}) {
		t.Fatalf("Poll after the sooner copy = %v, want [t1]", got)
	}
	c.advance(2 * time.Minute)
	if got := mustPoll(t, f.s, "charge", "", 10, 0); len(got) != 0 {
		t.Fatalf("Poll after the delay = %v, want no second offer", got)
	}
	if n := f.h.startsOf("t1"); n != 1 {
		t.Fatalf("t1 start requested %d times, want 1", n)
	}
}

func TestDelayedVisibleAtInjectedClock(t *testing.T) {
	c := newClock()
	f := newFixture(t, nil, c.now)
	ctx := context.Background()
	now := c.nowMs()
	f.s.Dispatch(ctx, []api.Dispatch{
		{TaskID: "late", WorkflowID: "wf", TaskType: "charge", VisibleAt: now + 2000},
		{TaskID: "soon", WorkflowID: "wf", TaskType: "charge", VisibleAt: now + 1000},
		{TaskID: "now", WorkflowID: "wf", TaskType: "charge", VisibleAt: now},
		{TaskID: "past", WorkflowID: "wf", TaskType: "charge", VisibleAt: now - 1000},
	})
	if n := f.s.QueueSize("charge", ""); n != 4 {
		t.Fatalf("QueueSize = %d, want 4 (delayed tasks count)", n)
	}
	if got := mustPoll(t, f.s, "charge", "", 10, 0); !slices.Equal(got, []string{"now", "past"}) {
		t.Fatalf("Poll = %v, want the visible [now past]", got)
	}
	c.advance(999 * time.Millisecond)
	if got := mustPoll(t, f.s, "charge", "", 10, 0); len(got) != 0 {
		t.Fatalf("Poll 1ms early = %v, want none", got)
	}
	c.advance(5 * time.Second)
	if got := mustPoll(t, f.s, "charge", "", 10, 0); !slices.Equal(got, []string{"soon", "late"}) {
		t.Fatalf("Poll after delay = %v, want [soon late] in VisibleAt order", got)
	}
	if n := f.s.QueueSize("charge", ""); n != 0 {
		t.Fatalf("QueueSize = %d, want 0", n)
	}
}

func TestDelayedTaskTimerWakesWaiter(t *testing.T) {
	f := newFixture(t, nil, nil)
	ctx := context.Background()
	ch := f.pollAsync(ctx, "charge", "", 1, 10*time.Second)
	f.awaitWaiting(t, "charge", "", 1)
	visibleAt := time.Now().UnixMilli() + 20
	f.s.Dispatch(ctx, []api.Dispatch{{TaskID: "t1", WorkflowID: "wf", TaskType: "charge", VisibleAt: visibleAt}})
	r := recv(t, ch)
	got := time.Now().UnixMilli()
	if r.err != nil || !slices.Equal(ids(r.tasks), []string{"t1"}) {
		t.Fatalf("Poll = %v, %v; want [t1]", ids(r.tasks), r.err)
	}
	if got < visibleAt {
		t.Fatalf("task delivered at %d, before its VisibleAt %d", got, visibleAt)
	}
	if r.took >= 5*time.Second {
		t.Fatalf("delayed task took %v: the timer did not wake the poller", r.took)
	}
}

func TestDelayedTimerRearmsForEarlierTask(t *testing.T) {
	f := newFixture(t, nil, nil)
	ctx := context.Background()
	now := time.Now().UnixMilli()
	// The timer is first armed an hour out; an earlier task must re-arm it.
	f.s.Dispatch(ctx, []api.Dispatch{{TaskID: "later", WorkflowID: "wf", TaskType: "charge", VisibleAt: now + 3_600_000}})
	ch := f.pollAsync(ctx, "charge", "", 1, 10*time.Second)
	f.awaitWaiting(t, "charge", "", 1)
	f.s.Dispatch(ctx, []api.Dispatch{{TaskID: "sooner", WorkflowID: "wf", TaskType: "charge", VisibleAt: now + 20}})
	if r := recv(t, ch); !slices.Equal(ids(r.tasks), []string{"sooner"}) || r.took >= 5*time.Second {
		t.Fatalf("Poll = %v after %v, want [sooner] soon", ids(r.tasks), r.took)
	}
	if n := f.s.QueueSize("charge", ""); n != 1 {
		t.Fatalf("QueueSize = %d, want 1", n)
	}
}

func TestCanceledPollPutsTasksBack(t *testing.T) {
	f := newFixture(t, nil, nil)
	f.s.Dispatch(context.Background(), dispatch("charge", "", "t0", "t1", "t2"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// With tasks visible the poll takes two, sees ctx is done and puts them
	// back before asking history.
	tasks, err := f.s.Poll(ctx, "charge", "", "w1", 2, time.Second)
	if err != nil || tasks == nil || len(tasks) != 0 {
		t.Fatalf("Poll with canceled ctx = %v, %v; want empty, nil", ids(tasks), err)
	}
	if c := f.h.callCount(); c != 0 {
		t.Fatalf("history called %d times for a canceled poll", c)
	}
	if got := mustPoll(t, f.s, "charge", "", 3, 0); !slices.Equal(got, []string{"t0", "t1", "t2"}) {
		t.Fatalf("Poll = %v, want [t0 t1 t2]: put back at the front, in order", got)
	}
}

func TestPutBackSkipsRedispatchedAndFeedsWaiters(t *testing.T) {
	f := newFixture(t, nil, nil)
	q := f.s.queue(queueKey{"charge", ""})
	f.s.Dispatch(context.Background(), dispatch("charge", "", "t0", "t1"))
	es, _, w, err := q.take(2, false, false, "")
	if err != nil || w != nil || len(es) != 2 {
		t.Fatalf("take = %v, %v, %v", es, w, err)
	}
	// t1 is dispatched again while taken; then a poller starts waiting.
	f.s.Dispatch(context.Background(), dispatch("charge", "", "t1"))
	if got := mustPoll(t, f.s, "charge", "", 1, 0); !slices.Equal(got, []string{"t1"}) {
		t.Fatalf("Poll = %v, want [t1]", got)
	}
	ch := f.pollAsync(context.Background(), "charge", "", 5, 10*time.Second)
	f.awaitWaiting(t, "charge", "", 1)
	q.putBack(es)
	if r := recv(t, ch); !slices.Equal(ids(r.tasks), []string{"t0"}) {
		// t1 was put back too and handed over, but history refuses its
		// second start.
		t.Fatalf("waiting Poll = %v, want [t0]", ids(r.tasks))
	}

	f.s.Dispatch(context.Background(), dispatch("charge", "", "t2"))
	es, _, _, _ = q.take(1, false, false, "")
	f.s.Dispatch(context.Background(), dispatch("charge", "", "t2"))
	q.putBack(es)
	if n := f.s.QueueSize("charge", ""); n != 1 {
		t.Fatalf("QueueSize = %d, want 1: put-back must not duplicate a re-dispatched task", n)
	}
}

func TestCloseReleasesWaiters(t *testing.T) {
	f := newFixture(t, nil, nil)
	ctx := context.Background()
	// An armed delay timer must be stopped too.
	f.s.Dispatch(ctx, []api.Dispatch{{TaskID: "later", WorkflowID: "wf", TaskType: "charge", VisibleAt: time.Now().UnixMilli() + 3_600_000}})
	var chs []<-chan pollResult
	waiting := map[string]int{}
	for _, d := range []string{"", "", "eu", "us"} {
		chs = append(chs, f.pollAsync(ctx, "charge", d, 1, 10*time.Second))
		waiting[d]++
		f.awaitWaiting(t, "charge", d, waiting[d])
	}
	f.s.Close()
	for _, ch := range chs {
		r := recv(t, ch)
		if !errors.Is(r.err, ErrClosed) || api.KindOf(r.err) != api.KindUnavailable {
			t.Fatalf("released Poll err = %v, want ErrClosed (unavailable)", r.err)
		}
		if r.took >= 5*time.Second {
			t.Fatalf("Close released a poller only after %v", r.took)
		}
	}
	if _, err := f.s.Poll(ctx, "charge", "", "w1", 1, time.Second); !errors.Is(err, ErrClosed) {
		t.Fatalf("Poll after Close: err = %v, want ErrClosed", err)
	}
	f.s.Dispatch(ctx, dispatch("charge", "", "t1"))
	if n := f.s.QueueSize("charge", ""); n != 1 {
		t.Fatalf("QueueSize after Close = %d, want 1: Dispatch after Close is dropped", n)
	}
	f.s.Close() // idempotent
}

// TestQueuePolledReports checks what history hears of polls: a domain
// queue's first poll at once, then at most one a second; queues without a
// domain never (taskToDomain only asks about domains).
func TestQueuePolledReports(t *testing.T) {
	c := newClock()
	h := newHistory()
	f := newFixture(t, h, c.now)
	ctx := context.Background()
	t0 := c.nowMs()
	poll := func(domain string) {
		t.Helper()
		if _, err := f.s.Poll(ctx, "charge", domain, "w", 1, 0); err != nil {
			t.Fatal(err)
		}
	}
	poll("eu")
	poll("") // no domain: not reported
	c.advance(500 * time.Millisecond)
	poll("eu") // within the interval: not reported
	c.advance(500 * time.Millisecond)
	poll("eu")
	poll("us")
	want := []string{fmt.Sprintf("charge/eu@%d", t0), fmt.Sprintf("charge/eu@%d", t0+1000), fmt.Sprintf("charge/us@%d", t0+1000)}
	if got := h.polls(); !slices.Equal(got, want) {
		t.Fatalf("QueuePolled reports = %v, want %v", got, want)
	}
}

func TestPollData(t *testing.T) {
	c := newClock()
	f := newFixture(t, nil, c.now)
	ctx := context.Background()
	f.s.Dispatch(ctx, dispatch("charge", "", "t1")) // a queue never polled has no PollData
	if pd := f.s.PollData("charge"); pd == nil || len(pd) != 0 {
		t.Fatalf("PollData before any poll = %#v, want empty non-nil", pd)
	}
	first := c.nowMs()
	if _, err := f.s.Poll(ctx, "charge", "", "w-a", 1, 0); err != nil {
		t.Fatal(err)
	}
	c.advance(time.Second)
	if _, err := f.s.Poll(ctx, "charge", "eu", "w-b", 1, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Poll(ctx, "refund", "", "w-c", 1, 0); err != nil {
		t.Fatal(err)
	}
	c.advance(time.Second)
	if _, err := f.s.Poll(ctx, "charge", "", "w-d", 1, 0); err != nil {
		t.Fatal(err)
	}
	want := []api.PollData{
		{QueueName: "charge", Domain: "", WorkerID: "w-d", LastPollTime: first + 2000},
		{QueueName: "charge", Domain: "eu", WorkerID: "w-b", LastPollTime: first + 1000},
	}
	if got := f.s.PollData("charge"); !slices.Equal(got, want) {
		t.Fatalf("PollData(charge) = %+v, want %+v", got, want)
	}
	all := f.s.AllPollData()
	if len(all) != 3 || all[2].QueueName != "refund" || all[2].WorkerID != "w-c" {
		t.Fatalf("AllPollData = %+v", all)
	}
	b, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	const wantJSON = `[{"queueName":"charge","workerId":"w-d","lastPollTime":1704067202000},` +
		`{"queueName":"charge","domain":"eu","workerId":"w-b","lastPollTime":1704067201000}]`
	if string(b) != wantJSON {
		t.Fatalf("PollData JSON = %s, want %s", b, wantJSON)
	}
}

// TestConcurrentDeliveredExactlyOnce runs dispatchers and pollers on a few
// queues at once, with refusals, delayed tasks, duplicate dispatches and
// polls canceled mid-way, and checks that every task history accepts is
// delivered exactly once and that matching never offers a task dispatched
// once to history twice.
func TestConcurrentDeliveredExactlyOnce(t *testing.T) {
	const (
		dispatchers = 6
		perDisp     = 3000
		pollers     = 16
	)
	domains := []string{"", "eu", "us"}
	h := newHistory()
	want := map[string]bool{} // task ids history will accept
	dup := map[string]bool{}  // task ids dispatched twice
	for d := range dispatchers {
		for i := range perDisp {
			id := fmt.Sprintf("d%d-%d", d, i)
			switch {
			case i%10 == 0:
				h.refuse[id] = true
			default:
				want[id] = true
			}
			if i%13 == 0 {
				dup[id] = true
			}
		}
	}
	f := newFixture(t, h, nil)

	stop, cancelStop := context.WithCancel(context.Background())
	defer cancelStop()
	var (
		mu        sync.Mutex
		delivered = map[string]int{}
		left      = len(want)
		allDone   = make(chan struct{})
	)
	var wg sync.WaitGroup
	for d := range dispatchers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(d), 1))
			var again []api.Dispatch
			for i := 0; i < perDisp; {
				n := min(1+rng.IntN(8), perDisp-i)
				var ds []api.Dispatch
				for j := i; j < i+n; j++ {
					id := fmt.Sprintf("d%d-%d", d, j)
					dom := domains[j%len(domains)]
					var at int64
					if j%7 == 0 {
						at = time.Now().UnixMilli() + int64(rng.IntN(5))
					}
					row := api.Dispatch{TaskID: id, WorkflowID: "wf", TaskType: "charge", Domain: dom, VisibleAt: at}
					ds = append(ds, row)
					if dup[id] {
						// Same id twice in one batch, and again in a later call.
						ds = append(ds, row)
						again = append(again, row)
					}
				}
				f.s.Dispatch(context.Background(), ds)
				if len(again) > 0 && rng.IntN(3) == 0 {
					f.s.Dispatch(context.Background(), again)
					again = again[:0]
				}
				i += n
			}
		})
	}
	for p := range pollers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(p), 2))
			dom := domains[p%len(domains)]
			for stop.Err() == nil {
				ctx := stop
				if rng.IntN(10) == 0 {
					c, cancel := context.WithCancel(stop)
					cancel() // exercise put-back
					ctx = c
				}
				tasks, err := f.s.Poll(ctx, "charge", dom, fmt.Sprintf("p%d", p), 1+rng.IntN(5), 20*time.Millisecond)
				if err != nil {
					t.Errorf("Poll: %v", err)
					return
				}
				mu.Lock()
				for _, tk := range tasks {
					delivered[tk.TaskID]++
					if want[tk.TaskID] && delivered[tk.TaskID] == 1 {
						left--
						if left == 0 {
							close(allDone)
						}
					}
				}
				mu.Unlock()
			}
		})
	}
	select {
	case <-allDone:
	case <-time.After(60 * time.Second):
		mu.Lock()
		t.Errorf("%d tasks never delivered", left)
		mu.Unlock()
	}
	cancelStop()
	wg.Wait()

	for id, n := range delivered {
		if !want[id] {
			t.Errorf("task %s delivered though history refused it", id)
		}
		if n != 1 {
			t.Errorf("task %s delivered %d times", id, n)
		}
	}
	for id := range want {
		if !dup[id] {
			if n := h.startsOf(id); n != 1 {
				t.Errorf("task %s dispatched once but offered to history %d times", id, n)
			}
		}
	}
	// What is left is refused or re-dispatched after its start: draining it
	// must start nothing.
	for _, d := range domains {
		for f.s.QueueSize("charge", d) > 0 {
			tasks, err := f.s.Poll(context.Background(), "charge", d, "drain", 100, 20*time.Millisecond)
			if err != nil || len(tasks) > 0 {
				t.Fatalf("draining %q: Poll = %v, %v; want nothing started", d, ids(tasks), err)
			}
		}
	}
}

// acceptAll starts everything; it keeps benchmarks free of map costs.
type acceptAll struct{}

func (acceptAll) QueuePolled(api.TaskQueue, int64) {}

func (acceptAll) RecordTasksStarted(_ context.Context, reqs []api.StartTask) []api.StartedTask {
	out := make([]api.StartedTask, len(reqs))
	for i, r := range reqs {
		out[i].Task = &api.Task{TaskID: r.TaskID, WorkflowInstanceID: r.WorkflowID}
	}
	return out
}

// BenchmarkDispatchPoll: without TaskDefs; with TaskDefs but no limit on
// the type (the common path: it must cost next to nothing more); and with
// concurrentExecLimit 1, releasing each task.
func BenchmarkDispatchPoll(b *testing.B) {
	b.Run("no-taskdefs", func(b *testing.B) { benchDispatchPoll(b, nil, false) })
	b.Run("unlimited", func(b *testing.B) { benchDispatchPoll(b, benchStore(b), false) })
	b.Run("concurrency-limited", func(b *testing.B) {
		store := benchStore(b, concurrencyDef("charge", 1))
		benchDispatchPoll(b, store, true)
	})
}

func benchStore(b *testing.B, tds ...*workflow.TaskDef) TaskDefs {
	store, err := pebble.Open(pebble.Options{Dir: "db", FS: vfs.NewMem()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	if err := store.PutTaskDefs(context.Background(), tds); err != nil {
		b.Fatal(err)
	}
	return store
}

func benchDispatchPoll(b *testing.B, defs TaskDefs, release bool) {
	s, err := New(Options{History: acceptAll{}, TaskDefs: defs})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	ds := make([]api.Dispatch, 1)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		ds[0] = api.Dispatch{TaskID: fmt.Sprint(i), WorkflowID: "wf", TaskType: "charge"}
		i++
		s.Dispatch(ctx, ds)
		tasks, err := s.Poll(ctx, "charge", "", "w", 1, 0)
		if err != nil || len(tasks) != 1 {
			b.Fatalf("Poll = %v, %v", tasks, err)
		}
		if release {
			s.Release(ctx, ds)
		}
	}
}

func BenchmarkDispatchPollParallel(b *testing.B) {
	s, err := New(Options{History: acceptAll{}})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var next atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		g := next.Add(1)
		taskType := fmt.Sprintf("type-%d", g%8)
		ds := make([]api.Dispatch, 1)
		for i := 0; pb.Next(); i++ {
			ds[0] = api.Dispatch{TaskID: fmt.Sprintf("%d-%d", g, i), WorkflowID: "wf", TaskType: taskType}
			s.Dispatch(ctx, ds)
			if _, err := s.Poll(ctx, taskType, "", "w", 1, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkQueued100k reports the heap cost of a 100k-task backlog.
func BenchmarkQueued100k(b *testing.B) {
	const n = 100_000
	ds := make([]api.Dispatch, n)
	for i := range ds {
		ds[i] = api.Dispatch{TaskID: fmt.Sprintf("task-%08d", i), WorkflowID: fmt.Sprintf("wf-%08d", i), TaskType: "charge"}
	}
	var perTask float64
	for b.Loop() {
		s, err := New(Options{History: acceptAll{}})
		if err != nil {
			b.Fatal(err)
		}
		var before, after runtimeMem
		before.read()
		s.Dispatch(context.Background(), ds)
		after.read()
		perTask = float64(after.heap-before.heap) / n
		if s.QueueSize("charge", "") != n {
			b.Fatal("lost tasks")
		}
		s.Close()
	}
	b.ReportMetric(perTask, "B/task")
}

type runtimeMem struct{ heap uint64 }

func (m *runtimeMem) read() {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m.heap = ms.HeapAlloc
}
