package decider

import "github.com/legatohq/legato/pkg/api"

// Removal: an operator's remove (Input.Remove), or retention's, which
// rides on the workflow's own timer: an ended workflow's Timer is its end
// time plus Decider.Retention, and the Tick that arrives then removes it
// in its shard's round, like an operator's remove. No sweeper scans the
// store and no shard stalls. A retention configured later applies to
// workflows that end after it was set.

// remove answers a removal: the workflow's events, snapshot and timer go,
// with every index entry and outbox row that points at it, and matching
// lets go of its queued and running tasks. No event is written: there is
// no history left to write it to.
func (dc *decision) remove() {
	s, res := dc.s, &dc.res
	res.Delete = true
	res.Visibility.Removed = true
	for _, t := range s.Tasks {
		res.Index.DropTasks = append(res.Index.DropTasks, t.ID)
		if !api.TaskTerminal(t.Status) {
			dc.undispatch(t)
		}
	}
	if s.CorrelationID != "" {
		res.Index.DelCorrelation = append(res.Index.DelCorrelation, dc.correlation(s.Version, s.CorrelationID))
	}
	res.Index.NotRunning = true
}

// WakeAt is when the workflow next needs a Tick: its Deadline while it
// runs, its removal by retention once it has ended, 0 for never. A
// Result's Timer is WakeAt of the state it leaves, so the caller keeps
// one timer row per workflow and knows which row is stored.
func (d Decider) WakeAt(s *State) int64 {
	if at := Deadline(s); at != 0 {
		return at
	}
	return d.removeAt(s)
}

// expired reports whether an ended workflow has outlived the retention.
func (d Decider) expired(s *State, now int64) bool {
	at := d.removeAt(s)
	return at != 0 && at <= now
}

// removeAt is when retention removes an ended workflow, 0 if never.
func (d Decider) removeAt(s *State) int64 {
	if d.Retention <= 0 || s.EndTime == 0 || !api.WorkflowTerminal(s.Status) {
		return 0
	}
	return s.EndTime + d.Retention
}
