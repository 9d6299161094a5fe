package matching

import (
	"sync"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/minheap"
)

// entry is what a queue keeps per task: enough to ask history to start it,
// and nothing more, so that 100k queued tasks cost a few MB.
type entry struct {
	taskID     string
	workflowID string
	visibleAt  int64  // epoch ms; 0 or past means visible now
	seq        uint64 // dispatch order; breaks visibleAt ties in the heap
}

// waiter is one blocked Poll. A hand-off removes it from its queue's list
// and sends exactly one non-empty batch on ch, both under the queue lock;
// Close removes it and closes ch. So a waiter that finds itself no longer
// listed (under the lock) knows ch already holds its answer.
type waiter struct {
	want       int
	ch         chan []entry // capacity 1
	lim        *limiter     // set with the hand-off: the limiter its tasks are reserved in, if any
	prev, next *waiter
	listed     bool
}

// queue is one (taskType, domain) queue: visible tasks in FIFO order,
// delayed tasks in a min-heap on visibleAt, and the pollers waiting.
//
// Invariants, holding whenever mu is released:
//   - mu.ids holds exactly the task ids in mu.ready and mu.delayed, with
//     the seq of the task's live entry, so a task id is offered at most
//     once: an entry whose seq differs is stale (superseded by an earlier
//     re-dispatch) and is skipped like a withdrawn one.
//   - mu.ready is empty, or no poller waits, or the queue is blocked in
//     its type's limiter: every operation that adds to ready ends with
//     matchLocked, and the limiter kicks the queues it blocked once it
//     has room.
//   - while mu.delayed is not empty and the service is open, the timer is
//     armed for mu.delayed's earliest visibleAt or sooner.
type queue struct {
	s                *Service
	taskType, domain string
	tt               *taskType // nil: never limited

	mu struct {
		sync.Mutex
		ready      ring
		delayed    minheap.Heap[entry] // by (visibleAt, seq)
		ids        map[string]live
		head, tail *waiter // waiting pollers, oldest first
		nwait      int
		seq        uint64

		alarm     alarm // runs onTimer
		timerMiss int   // consecutive runs that found their task not due

		polled     bool
		lastWorker string
		lastPoll   int64 // epoch ms
		// reported is the last poll told to history (QueuePolled).
		reported int64
	}
}

// live is what mu.ids knows of a queued task: its live entry's seq and
// visibleAt.
type live struct {
	seq       uint64
	visibleAt int64
}

func newQueue(s *Service, taskType, domain string, tt *taskType) *queue {
	q := &queue{s: s, taskType: taskType, domain: domain, tt: tt}
	q.mu.ids = make(map[string]live)
	q.mu.alarm = alarm{s: s, fn: q.onTimer}
	return q
}

// dispatch queues rows (all of this queue), skipping task ids already
// queued unless the row makes the task visible sooner (resetcallbacks):
// then a new entry supersedes the queued one. Visible tasks go to
// waiting pollers.
func (q *queue) dispatch(rows []api.Dispatch) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.s.closed.Load() {
		return
	}
	now := q.s.nowMs()
	for i := range rows {
		d := &rows[i]
		if l, dup := q.mu.ids[d.TaskID]; dup && (l.visibleAt <= now || d.VisibleAt >= l.visibleAt) {
			continue
		}
		q.mu.seq++
		e := entry{taskID: d.TaskID, workflowID: d.WorkflowID, visibleAt: d.VisibleAt, seq: q.mu.seq}
		q.mu.ids[d.TaskID] = live{seq: e.seq, visibleAt: e.visibleAt}
		if e.visibleAt > now {
			q.mu.delayed.Push(e)
		} else {
			q.mu.ready.pushBack(e)
		}
	}
	q.matchLocked()
	q.armTimerLocked(now)
}

// take removes up to count visible tasks the limits allow, and returns
// the limiter they are reserved in (nil if none). When there are none and
// wait is set, it registers a waiter instead, which the caller must either
// receive from or pass to cancelWait. record notes the poll for PollData.
func (q *queue) take(count int, wait, record bool, workerID string) ([]entry, *limiter, *waiter, error) {
	var report int64
	defer func() {
		if report != 0 { // after the unlock below: history takes its own lock
			q.s.history.QueuePolled(api.TaskQueue{TaskType: q.taskType, Domain: q.domain}, report)
		}
	}()
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.s.closed.Load() {
		return nil, nil, nil, ErrClosed
	}
	now := q.s.nowMs()
	if record {
		q.mu.polled, q.mu.lastWorker, q.mu.lastPoll = true, workerID, now
		if q.domain != "" && now-q.mu.reported >= pollReportInterval {
			q.mu.reported, report = now, now
		}
	}
	// Promote here as well as in onTimer: with an injected clock the timer
	// (real time) and the clock disagree, and the clock is what decides.
	q.promoteLocked(now)
	if es, lim := q.takeLocked(count); len(es) > 0 {
		return es, lim, nil, nil
	}
	if !wait {
		return nil, nil, nil, nil
	}
	w := &waiter{want: count, ch: make(chan []entry, 1)}
	q.linkLocked(w)
	return nil, nil, w, nil
}

// kick hands out what the limits now allow to waiting pollers.
func (q *queue) kick() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.s.closed.Load() {
		q.matchLocked()
	}
}

// cancelWait withdraws w after its poll timed out or was canceled. ok is
// false when Close released w. es is the batch handed to w before it could
// withdraw, if any; the caller owns it.
func (q *queue) cancelWait(w *waiter) (es []entry, ok bool) {
	q.mu.Lock()
	if w.listed {
		q.unlinkLocked(w)
		q.mu.Unlock()
		return nil, true
	}
	q.mu.Unlock()
	// Not listed: a hand-off or Close already answered, under the lock we
	// just held, so this receive does not block.
	es, ok = <-w.ch
	return es, ok
}

// putBack returns taken tasks to the front of the queue, in their order,
// and offers them to waiting pollers. Tasks dispatched again meanwhile are
// already queued and are not duplicated.
func (q *queue) putBack(es []entry) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.s.closed.Load() {
		return
	}
	for i := len(es) - 1; i >= 0; i-- {
		if _, dup := q.mu.ids[es[i].taskID]; dup {
			continue
		}
		q.mu.ids[es[i].taskID] = live{seq: es[i].seq, visibleAt: es[i].visibleAt}
		q.mu.ready.pushFront(es[i])
	}
	q.matchLocked()
}

// withdraw forgets queued tasks that history no longer offers. Their
// entries stay in ready or delayed and are skipped when reached: removing
// from the middle of a ring or heap would cost more than skipping.
func (q *queue) withdraw(taskIDs []string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, id := range taskIDs {
		delete(q.mu.ids, id)
	}
}

// size is the number of tasks queued, visible or delayed.
func (q *queue) size() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.mu.ids)
}

func (q *queue) waiting() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.mu.nwait
}

// pollData reports the last poll, if the queue was ever polled.
func (q *queue) pollData() (api.PollData, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return api.PollData{
		QueueName:    q.taskType,
		Domain:       q.domain,
		WorkerID:     q.mu.lastWorker,
		LastPollTime: q.mu.lastPoll,
	}, q.mu.polled
}

// close stops the timer and releases every waiter. The service is already
// marked closed, so nothing re-arms the timer or registers a waiter after.
func (q *queue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.mu.alarm.stop()
	for q.mu.head != nil {
		w := q.mu.head
		q.unlinkLocked(w)
		close(w.ch)
	}
}

// onTimer runs in the timer's goroutine: it makes due tasks visible, hands
// them to waiters and re-arms for the next delayed task.
func (q *queue) onTimer() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.mu.alarm.fired()
	if q.s.closed.Load() {
		return
	}
	now := q.s.nowMs()
	q.promoteLocked(now)
	q.matchLocked()
	// Real timers never fire early, so the task this run was armed for is
	// still not due only when an injected clock lags real time. Back off
	// then, rather than firing every millisecond until the clock moves.
	if q.mu.delayed.Len() > 0 && q.mu.delayed.Min().visibleAt <= q.mu.alarm.at {
		q.mu.timerMiss++
	} else {
		q.mu.timerMiss = 0
	}
	q.armTimerLocked(now)
}

// maxTimerBackoff bounds the delay between timer runs while an injected
// clock lags real time.
const maxTimerBackoff = time.Second

// armTimerLocked makes sure an onTimer run is scheduled no later than the
// earliest delayed task.
func (q *queue) armTimerLocked(now int64) {
	if q.mu.delayed.Len() == 0 {
		return
	}
	at := q.mu.delayed.Min().visibleAt
	d := time.Duration(max(at-now, 0)) * time.Millisecond
	if q.mu.timerMiss > 0 {
		d = max(d, min(time.Millisecond<<min(q.mu.timerMiss, 20), maxTimerBackoff))
	}
	q.mu.alarm.arm(at, d)
}

// promoteLocked moves delayed tasks that are due to the back of ready, in
// visibleAt order.
func (q *queue) promoteLocked(now int64) {
	for q.mu.delayed.Len() > 0 && q.mu.delayed.Min().visibleAt <= now {
		q.mu.ready.pushBack(q.mu.delayed.Pop())
	}
}

// matchLocked hands visible tasks to waiting pollers, oldest poller first,
// each getting up to the count it asked for.
func (q *queue) matchLocked() {
	for q.mu.head != nil {
		es, lim := q.takeLocked(q.mu.head.want)
		if len(es) == 0 {
			return
		}
		w := q.mu.head
		q.unlinkLocked(w)
		w.lim = lim
		w.ch <- es
	}
}

// takeLocked removes up to n live tasks from the front of ready, as far
// as the type's limiter (if any) has room, dropping withdrawn entries on
// the way. lim is the limiter the tasks are reserved in.
func (q *queue) takeLocked(n int) (es []entry, lim *limiter) {
	var now int64
	if q.tt != nil {
		if lim = q.tt.active.Load(); lim != nil {
			now = q.s.nowMs()
		}
	}
	for len(es) < n && q.mu.ready.len() > 0 {
		e := q.mu.ready.front()
		if l, ok := q.mu.ids[e.taskID]; !ok || l.seq != e.seq {
			q.mu.ready.popFront() // withdrawn, or superseded by a sooner entry
			continue
		}
		if lim != nil && !lim.reserve(q, e.taskID, now) {
			break
		}
		q.mu.ready.popFront()
		delete(q.mu.ids, e.taskID)
		if es == nil {
			es = make([]entry, 0, min(n, q.mu.ready.len()+1))
		}
		es = append(es, e)
	}
	return es, lim
}

func (q *queue) linkLocked(w *waiter) {
	w.listed = true
	w.prev = q.mu.tail
	if q.mu.tail != nil {
		q.mu.tail.next = w
	} else {
		q.mu.head = w
	}
	q.mu.tail = w
	q.mu.nwait++
}

func (q *queue) unlinkLocked(w *waiter) {
	if w.prev != nil {
		w.prev.next = w.next
	} else {
		q.mu.head = w.next
	}
	if w.next != nil {
		w.next.prev = w.prev
	} else {
		q.mu.tail = w.prev
	}
	w.prev, w.next, w.listed = nil, nil, false
	q.mu.nwait--
}

// ring is a growable FIFO of entries that can also push at the front (for
// putBack). It shrinks when mostly empty so a drained backlog frees memory.
type ring struct {
	buf  []entry
	head int
	n    int
}

const ringMinCap = 16

func (r *ring) len() int { return r.n }

// front returns the first entry; the ring must not be empty.
func (r *ring) front() entry { return r.buf[r.head] }

func (r *ring) pushBack(e entry) {
	if r.n == len(r.buf) {
		r.resize(max(2*len(r.buf), ringMinCap))
	}
	r.buf[(r.head+r.n)%len(r.buf)] = e
	r.n++
}

func (r *ring) pushFront(e entry) {
	if r.n == len(r.buf) {
		r.resize(max(2*len(r.buf), ringMinCap))
	}
	r.head = (r.head - 1 + len(r.buf)) % len(r.buf)
	r.buf[r.head] = e
	r.n++
}

// popFront removes the first entry; the ring must not be empty.
func (r *ring) popFront() entry {
	e := r.buf[r.head]
	r.buf[r.head] = entry{} // drop the strings for the GC
	r.head = (r.head + 1) % len(r.buf)
	r.n--
	if c := len(r.buf); c > 4*ringMinCap && r.n < c/4 {
		r.resize(c / 2)
	}
	return e
}

func (r *ring) resize(c int) {
	buf := make([]entry, c)
	for i := range r.n {
		buf[i] = r.buf[(r.head+i)%len(r.buf)]
	}
	r.buf, r.head = buf, 0
}

// Less orders delayed entries by (visibleAt, seq) in q.mu.delayed.
func (e entry) Less(o entry) bool {
	if e.visibleAt != o.visibleAt {
		return e.visibleAt < o.visibleAt
	}
	return e.seq < o.seq
}
