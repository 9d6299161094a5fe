package script

import (
	"fmt"
	"runtime/metrics"
	"sync"
	"time"
)

// pollInterval is how often a running evaluation's time and memory are
// checked. Calls that finish sooner never see a tick, so the common case
// costs one timer and nothing else.
const pollInterval = 5 * time.Millisecond

// hardMemoryFactor: heap growth beyond hardMemoryFactor*MaxMemory trips the
// memory limit even when no GC has run to tell live data from garbage (a
// process running with GOGC=off).
const hardMemoryFactor = 16

// Names of the runtime/metrics samples; their order is fixed by heapStats.
var heapMetricNames = [...]string{
	"/memory/classes/heap/objects:bytes", // live + not yet swept garbage, current
	"/gc/heap/live:bytes",                // live as marked by the last GC
	"/gc/cycles/total:gc-cycles",         // completed GC cycles
	"/gc/heap/goal:bytes",                // heap size at which the next GC ends
}

type heapStats struct {
	objects, live, cycles, goal uint64
}

// A watchdog bounds one evaluation. It runs on a self-rearming time.AfterFunc
// (no goroutine exists between ticks) and, when a limit is exceeded, calls
// abort once with an error wrapping ErrTimeout or ErrMemory: goja's
// Runtime.Interrupt or a context cancellation. stop must be called before
// the evaluation returns; it waits for a tick in flight, so no goroutine
// outlives the call.
//
// Memory is measured process-wide (Go has no per-goroutine accounting),
// from heap statistics taken at the first tick. Once the heap (live data
// and unswept garbage) has grown by more than MaxMemory, the call is
// stopped if
//   - the heap exceeds the GC goal in force at the baseline by more than
//     max(MaxMemory, goal/8): the GC keeps garbage under its goal (goal/8
//     allows for the pacer overrunning it under heavy allocation), so
//     beyond it the heap holds more live data than when the call began;
//   - or a GC completed since the baseline marked more than MaxMemory of
//     additional live data;
//   - or it grew by more than hardMemoryFactor*MaxMemory (a process
//     without GC, GOGC=off).
//
// Garbage, the calling process's or the script's, thus does not trip the
// limit; live data that other goroutines add during a long evaluation is
// charged to it.
type watchdog struct {
	abort   func(error)
	start   time.Time
	timeout time.Duration
	limit   int64

	// inflight counts armed timers and running ticks: Add before arming,
	// Done at the end of the tick or when stop cancels the timer.
	inflight sync.WaitGroup

	mu struct {
		sync.Mutex
		timer   *time.Timer
		stopped bool
		tripped error
		samples []metrics.Sample // nil until the first tick
		base    heapStats
	}
}

func startWatchdog(l Limits, abort func(error)) *watchdog {
	w := &watchdog{abort: abort, start: time.Now(), timeout: l.Timeout, limit: l.MaxMemory}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.inflight.Add(1)
	w.mu.timer = time.AfterFunc(min(pollInterval, w.timeout), w.tick)
	return w
}

func (w *watchdog) tick() {
	defer w.inflight.Done()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.mu.stopped {
		return
	}
	elapsed := time.Since(w.start)
	if elapsed >= w.timeout {
		w.tripLocked(fmt.Errorf("%w: still running after %v", ErrTimeout, w.timeout))
		return
	}
	if err := w.checkMemoryLocked(); err != nil {
		w.tripLocked(err)
		return
	}
	w.inflight.Add(1)
	w.mu.timer.Reset(min(pollInterval, w.timeout-elapsed))
}

func (w *watchdog) tripLocked(err error) {
	w.mu.tripped = err
	w.abort(err)
}

func (w *watchdog) checkMemoryLocked() error {
	if w.mu.samples == nil {
		w.mu.samples = make([]metrics.Sample, len(heapMetricNames))
		for i, n := range heapMetricNames {
			w.mu.samples[i].Name = n
		}
		w.mu.base = w.readLocked()
		return nil
	}
	now, base := w.readLocked(), w.mu.base
	grown := int64(now.objects) - int64(base.objects)
	if grown <= w.limit {
		return nil
	}
	// The GC keeps the heap near its goal, garbage and all; beyond the
	// goal set when the call began, the heap holds more live data than
	// it did then (or the pacer is overrun by allocation).
	if over := int64(now.objects) - int64(base.goal); over > max(w.limit, int64(base.goal)/8) {
		return fmt.Errorf("%w: heap grew by %d bytes, %d beyond the GC goal (limit %d)", ErrMemory, grown, over, w.limit)
	}
	if live := int64(now.live) - int64(base.live); now.cycles != base.cycles && live > w.limit {
		return fmt.Errorf("%w: live heap grew by %d bytes (limit %d)", ErrMemory, live, w.limit)
	}
	if grown > hardMemoryFactor*w.limit {
		return fmt.Errorf("%w: heap grew by %d bytes (limit %d)", ErrMemory, grown, w.limit)
	}
	return nil
}

func (w *watchdog) readLocked() heapStats {
	metrics.Read(w.mu.samples)
	var v [len(heapMetricNames)]uint64
	for i, s := range w.mu.samples {
		if s.Value.Kind() == metrics.KindUint64 {
			v[i] = s.Value.Uint64()
		}
	}
	return heapStats{objects: v[0], live: v[1], cycles: v[2], goal: v[3]}
}

// stop disarms the watchdog, waits for a tick in flight and returns the
// error it tripped with, if any. Call it once.
func (w *watchdog) stop() error {
	w.mu.Lock()
	w.mu.stopped = true
	if w.mu.timer.Stop() {
		w.inflight.Done() // the armed tick will never run
	}
	err := w.mu.tripped
	w.mu.Unlock()
	w.inflight.Wait()
	return err
}
