package history

import (
	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/decider"
)

// Retention rides on the per-workflow timer: a finished workflow's wake-up
// is its end time plus Options.Retention, and the tick that arrives then
// removes it in the shard's own round, like an operator's remove. No sweeper
// scans the store and no shard stalls. The timer is set when a workflow
// ends, so a retention configured later applies to workflows that end
// after it was set.

// wakeAt is when the shard must next tick a workflow: the decider's
// deadline while it runs, its removal time once it has ended.
func (s *Service) wakeAt(st *decider.State) int64 {
	if d := decider.Deadline(st); d != 0 {
		return d
	}
	return s.removeAt(st)
}

// expired reports whether a finished workflow has outlived the retention.
func (s *Service) expired(st *decider.State, now int64) bool {
	at := s.removeAt(st)
	return at != 0 && at <= now
}

// removeAt is when the retention removes an ended workflow, 0 if never.
func (s *Service) removeAt(st *decider.State) int64 {
	if s.opts.Retention <= 0 || st.EndTime == 0 || !api.WorkflowTerminal(st.Status) {
		return 0
	}
	return st.EndTime + s.opts.Retention.Milliseconds()
}
