package matching

import "time"

// alarm schedules one run of fn in a timer goroutine for the earliest
// time it was armed for. It belongs to a queue or a limiter and is used
// under its owner's lock; fn takes that lock and calls fired first.
//
// The Service's timers WaitGroup counts scheduled and running runs: one is
// added whenever a run goes from not scheduled to scheduled, and the run
// (or a successful stop) marks it done, so Close can wait for them.
type alarm struct {
	s     *Service
	fn    func()
	timer *time.Timer // nil until first armed
	armed bool        // a run is scheduled
	at    int64       // epoch ms the scheduled run is for
}

// arm schedules a run in d, for time at, unless one is already scheduled
// for at or earlier, or the service is closed.
func (a *alarm) arm(at int64, d time.Duration) {
	if a.s.closed.Load() || a.armed && a.at <= at {
		return
	}
	switch {
	case a.timer == nil:
		a.s.timers.Add(1)
		a.timer = time.AfterFunc(d, a.run)
	case !a.timer.Reset(d):
		// The previous run fired (and marks itself done) or was stopped:
		// Reset scheduled a new run.
		a.s.timers.Add(1)
	}
	a.armed, a.at = true, at
}

func (a *alarm) run() {
	defer a.s.timers.Done()
	a.fn()
}

// fired notes, at the start of fn, that no run is scheduled any more.
func (a *alarm) fired() { a.armed = false }

// stop cancels the scheduled run, if any. Stop whether or not armed says
// so: fn clears armed even when a Reset that raced with it scheduled
// another run, and every scheduled run was counted.
func (a *alarm) stop() {
	if a.timer != nil && a.timer.Stop() {
		a.s.timers.Done()
	}
	a.armed = false
}
