package matching

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/persistence"
	"github.com/legatohq/legato/pkg/workflow"
)

// TaskDefs is where matching reads a task type's limits: the TaskDef
// registered under its name. Generation must change after every metadata
// write (persistence/pebble's Store does); matching re-reads a type's
// TaskDef at its next poll or dispatch after a change, so edits apply
// without a restart.
type TaskDefs interface {
	TaskDef(ctx context.Context, name string) (*workflow.TaskDef, error)
	persistence.Generationer
}

// taskType is what all queues of one task type share: its limits.
type taskType struct {
	name string
	// seen is 1 + the metadata generation the limits were read at; 0 is
	// never read.
	seen atomic.Uint64
	// active is lim while the TaskDef sets a limit, else nil: a type
	// without limits costs one atomic load per take.
	active atomic.Pointer[limiter]

	// lim is kept once created, so its counts survive limit edits.
	lim atomic.Pointer[limiter]
	mu  sync.Mutex // serializes refreshes
}

// typeOf returns the state of k's task type, or nil when k is never
// limited: without TaskDefs, or for the engine's own system queues.
func (s *Service) typeOf(k queueKey) *taskType {
	if s.defs == nil || k.domain == api.SystemDomain {
		return nil
	}
	if v, ok := s.types.Load(k.taskType); ok {
		return v.(*taskType)
	}
	v, _ := s.types.LoadOrStore(k.taskType, &taskType{name: k.taskType})
	return v.(*taskType)
}

// refreshLimits re-reads tt's TaskDef if the metadata changed since the
// last read. Unchanged metadata costs two atomic loads. It is called
// without any lock held.
func (s *Service) refreshLimits(ctx context.Context, tt *taskType) {
	if tt == nil {
		return
	}
	gen := s.defs.Generation()
	if tt.seen.Load() == gen+1 {
		return
	}
	tt.mu.Lock()
	defer tt.mu.Unlock()
	if tt.seen.Load() == gen+1 {
		return
	}
	// Generation was read first: an edit made while we read bumps it, so
	// a stale TaskDef is read again next time.
	var l limits
	switch td, err := s.defs.TaskDef(ctx, tt.name); {
	case err == nil:
		l = limitsOf(td)
	case !errors.Is(err, persistence.ErrNotFound):
		s.log.Warn("matching: task definition not read, limits unchanged", "task_type", tt.name, "err", err)
		return
	}
	lim := tt.lim.Load()
	if lim == nil && !l.none() {
		lim = newLimiter(s, l)
		tt.lim.Store(lim)
	}
	if lim != nil {
		if l.none() {
			tt.active.Store(nil)
		} else {
			tt.active.Store(lim)
		}
		lim.setLimits(l)
	}
	tt.seen.Store(gen + 1)
}

// limitsOf reads a TaskDef's limits as Conductor does: a rate needs both
// rateLimitPerFrequency and rateLimitFrequencyInSeconds (null means 1)
// above zero.
func limitsOf(td *workflow.TaskDef) limits {
	var l limits
	freq := workflow.DefaultRateLimitFrequencyInSeconds
	if td.RateLimitFrequencyInSeconds != nil {
		freq = *td.RateLimitFrequencyInSeconds
	}
	if td.RateLimitPerFrequency != nil && *td.RateLimitPerFrequency > 0 && freq > 0 {
		l.rate, l.windowMs = *td.RateLimitPerFrequency, int64(freq)*1000
	}
	if td.ConcurrentExecLimit != nil && *td.ConcurrentExecLimit > 0 {
		l.inFlight = *td.ConcurrentExecLimit
	}
	return l
}

// Release tells matching that handed-out tasks are no longer IN_PROGRESS
// (they ended, timed out, were cancelled or went back to SCHEDULED), so
// the concurrentExecLimit of their type has room again. Tasks matching
// does not count are ignored.
func (s *Service) Release(ctx context.Context, ds []api.Dispatch) {
	for len(ds) > 0 {
		// One limiter call per run of rows of the same type.
		n := 1
		for n < len(ds) && ds[n].TaskType == ds[0].TaskType {
			n++
		}
		if v, ok := s.types.Load(ds[0].TaskType); ok {
			if lim := v.(*taskType).lim.Load(); lim != nil {
				ids := make([]string, n)
				for i := range n {
					ids[i] = ds[i].TaskID
				}
				lim.release(ids)
			}
		}
		ds = ds[n:]
	}
}

// Occupy counts tasks that are IN_PROGRESS since before this service
// started (a previous process handed them out) against their type's
// concurrentExecLimit, until Release names them, as if handed out now.
// History calls it at start, before offering anything. Tasks whose type
// has no concurrentExecLimit, or that matching already counts, are
// ignored.
func (s *Service) Occupy(ctx context.Context, ds []api.Dispatch) {
	for len(ds) > 0 {
		n := 1
		for n < len(ds) && ds[n].TaskType == ds[0].TaskType {
			n++
		}
		ids := make([]string, 0, n)
		for _, d := range ds[:n] {
			if d.Domain != api.SystemDomain {
				ids = append(ids, d.TaskID)
			}
		}
		if tt := s.typeOf(queueKey{taskType: ds[0].TaskType}); tt != nil && len(ids) > 0 {
			s.refreshLimits(ctx, tt)
			if lim := tt.active.Load(); lim != nil {
				lim.occupy(ids)
			}
		}
		ds = ds[n:]
	}
}
