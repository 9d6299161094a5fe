package matching

import (
	"sync"
	"time"
)

// limits are a task type's TaskDef limits; zero fields mean no limit.
type limits struct {
	rate     int   // rateLimitPerFrequency: starts per window
	windowMs int64 // rateLimitFrequencyInSeconds, in ms
	inFlight int   // concurrentExecLimit: tasks IN_PROGRESS at once
}

func (l limits) none() bool { return l.rate == 0 && l.inFlight == 0 }

// limiter enforces one task type's limits across all its queues (every
// domain together, as Conductor keys them by task definition name).
//
// A queue reserves a task under its own lock (queue lock, then limiter
// lock; never the other way) before handing it out, and the poll settles
// the reservation once history answered. A refused reservation registers
// the queue as blocked; whatever frees capacity (the window moving on, a
// refused or released task, a looser limit) kicks the blocked queues after
// dropping the limiter lock, and they hand out what the limits then allow.
//
// Rate: a start counts in the window from the time history answered,
// which is no earlier than the startTime history recorded, so the
// recorded startTimes of any rate+1 consecutive starts span at least a
// window. Unanswered reservations count as in the window. The window is
// in memory: the first window after a restart ignores earlier starts.
//
// Concurrency: a task counts from its reservation until history releases
// it (it finished, timed out, was cancelled or went back to SCHEDULED) or
// refuses its start. Counts are in memory; after a restart history
// rebuilds them before it offers anything: it hands every task still
// IN_PROGRESS of a type with a concurrentExecLimit to occupy (Occupy),
// and those count until history releases them like any other. History
// finds them through the workflows' timer rows (every IN_PROGRESS worker
// task has a response deadline) and, for PAUSED workflows, which have no
// deadline, through the running index of the registered definitions.
type limiter struct {
	s  *Service
	mu struct {
		sync.Mutex
		limits
		// recent are the answered starts still in the window, epoch ms,
		// oldest first.
		recent []int64
		// pending counts reservations history has not answered yet.
		pending int
		// running counts, per task id, the reservations and the start that
		// hold it, while concurrency is limited: a task history refuses
		// because it already started (a re-dispatch) is still running.
		running map[string]int
		blocked map[*queue]struct{}
		alarm   alarm // runs onAlarm when the oldest recent start leaves the window
	}
}

func newLimiter(s *Service, l limits) *limiter {
	lim := &limiter{s: s}
	lim.mu.limits = l
	lim.mu.running = make(map[string]int)
	lim.mu.blocked = make(map[*queue]struct{})
	lim.mu.alarm = alarm{s: s, fn: lim.onAlarm}
	return lim
}

// reserve takes room for handing out taskID from q now, or registers q as
// blocked and returns false.
func (l *limiter) reserve(q *queue, taskID string, now int64) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.expireLocked(now)
	if l.fullLocked() {
		l.mu.blocked[q] = struct{}{}
		l.armLocked(now)
		return false
	}
	l.mu.pending++
	if l.mu.inFlight > 0 {
		l.mu.running[taskID]++
	}
	return true
}

// settle records history's answer to reserved tasks: started ones count
// in the window from now; refused ones, and ones never sent to history,
// free their room.
func (l *limiter) settle(started, refused []string) {
	l.mu.Lock()
	now := l.s.nowMs()
	l.mu.pending -= len(started) + len(refused)
	if l.mu.rate > 0 {
		for range started {
			l.mu.recent = append(l.mu.recent, now)
		}
	}
	for _, id := range refused {
		l.dropLocked(id)
	}
	var kick []*queue
	if len(refused) > 0 {
		kick = l.takeBlockedLocked()
	} else {
		l.armLocked(now)
	}
	l.mu.Unlock()
	kickAll(kick)
}

// release frees the room of tasks that are no longer IN_PROGRESS. Ids it
// does not count (neither handed out nor occupied since the start, or
// already released) are ignored.
func (l *limiter) release(taskIDs []string) {
	l.mu.Lock()
	freed := false
	for _, id := range taskIDs {
		if _, ok := l.mu.running[id]; ok {
			delete(l.mu.running, id)
			freed = true
		}
	}
	var kick []*queue
	if freed {
		kick = l.takeBlockedLocked()
	}
	l.mu.Unlock()
	kickAll(kick)
}

// occupy counts tasks handed out before matching started (Occupy) as
// running, until release names them.
func (l *limiter) occupy(taskIDs []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.mu.inFlight == 0 {
		return
	}
	for _, id := range taskIDs {
		if _, ok := l.mu.running[id]; !ok {
			l.mu.running[id] = 1
		}
	}
}

// setLimits applies a changed TaskDef and lets blocked queues try again.
func (l *limiter) setLimits(lim limits) {
	l.mu.Lock()
	if lim.inFlight == 0 {
		clear(l.mu.running)
	}
	l.mu.limits = lim
	kick := l.takeBlockedLocked()
	l.mu.Unlock()
	kickAll(kick)
}

func (l *limiter) onAlarm() {
	l.mu.Lock()
	l.mu.alarm.fired()
	kick := l.takeBlockedLocked()
	l.mu.Unlock()
	kickAll(kick)
}

// stop cancels the alarm (Close).
func (l *limiter) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.mu.alarm.stop()
}

func (l *limiter) fullLocked() bool {
	return l.mu.rate > 0 && l.mu.pending+len(l.mu.recent) >= l.mu.rate ||
		l.mu.inFlight > 0 && len(l.mu.running) >= l.mu.inFlight
}

// expireLocked forgets starts that left the window.
func (l *limiter) expireLocked(now int64) {
	n := 0
	for n < len(l.mu.recent) && l.mu.recent[n] <= now-l.mu.windowMs {
		n++
	}
	l.mu.recent = l.mu.recent[n:]
}

// armLocked schedules a kick for when the oldest start leaves the window,
// if a queue waits for that. Room freed otherwise (a refusal, a release)
// kicks directly.
func (l *limiter) armLocked(now int64) {
	if len(l.mu.blocked) == 0 || l.mu.rate == 0 || len(l.mu.recent) == 0 {
		return
	}
	at := l.mu.recent[0] + l.mu.windowMs
	// At least 1 ms: with an injected clock that lags real time a due
	// window would otherwise spin the timer.
	l.mu.alarm.arm(at, max(time.Duration(at-now)*time.Millisecond, time.Millisecond))
}

func (l *limiter) dropLocked(id string) {
	if n, ok := l.mu.running[id]; ok {
		if n <= 1 {
			delete(l.mu.running, id)
		} else {
			l.mu.running[id] = n - 1
		}
	}
}

func (l *limiter) takeBlockedLocked() []*queue {
	if len(l.mu.blocked) == 0 {
		return nil
	}
	qs := make([]*queue, 0, len(l.mu.blocked))
	for q := range l.mu.blocked {
		qs = append(qs, q)
	}
	clear(l.mu.blocked)
	return qs
}

// kickAll lets each queue hand out what the limits now allow. It must run
// without any queue or limiter lock held.
func kickAll(qs []*queue) {
	for _, q := range qs {
		q.kick()
	}
}
