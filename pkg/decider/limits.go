package decider

import (
	"fmt"
	"strconv"

	"github.com/legatohq/legato/pkg/api"
)

// Limits bound how large a workflow may grow, so that going over ends in
// a failure that names the limit instead of a workflow stuck RUNNING or a
// shard slowed to a crawl (Conductor's reports: a 3,253-task workflow that
// hangs, an output over 10 MB that leaves a workflow stuck). A zero field
// means its default.
type Limits struct {
	// MaxTasks is how many rows (attempts included) a workflow may
	// schedule over its life; the next one fails the workflow.
	MaxTasks int
	// MaxForkBranches is how many tasks one dynamic fork may fork; more
	// fails the fork's row.
	MaxForkBranches int
	// MaxPayloadBytes bounds a workflow's input (a start over it is
	// refused) and a task output reported from outside the decider, by a
	// worker or a system task's runner (over it fails the task for good).
	// Sizes are those of the JSON encoding.
	MaxPayloadBytes int
}

// Default limits.
const (
	DefaultMaxTasks        = 100_000
	DefaultMaxForkBranches = 50_000
	DefaultMaxPayloadBytes = 4 << 20
)

// EnsureDefaults sets every zero field to its default.
func (l *Limits) EnsureDefaults() {
	if l.MaxTasks == 0 {
		l.MaxTasks = DefaultMaxTasks
	}
	if l.MaxForkBranches == 0 {
		l.MaxForkBranches = DefaultMaxForkBranches
	}
	if l.MaxPayloadBytes == 0 {
		l.MaxPayloadBytes = DefaultMaxPayloadBytes
	}
}

// Validate names the first field out of range.
func (l *Limits) Validate() error {
	switch {
	case l.MaxTasks < 1:
		return fmt.Errorf("decider: Limits.MaxTasks is %d, want >= 1", l.MaxTasks)
	case l.MaxForkBranches < 1:
		return fmt.Errorf("decider: Limits.MaxForkBranches is %d, want >= 1", l.MaxForkBranches)
	case l.MaxPayloadBytes < 1:
		return fmt.Errorf("decider: Limits.MaxPayloadBytes is %d, want >= 1", l.MaxPayloadBytes)
	}
	return nil
}

// limits are d's limits with defaults in place of zeros.
func (d Decider) limits() Limits {
	l := d.Limits
	l.EnsureDefaults()
	return l
}

// tooManyTasks ends the workflow FAILED when scheduling one more row
// would go over MaxTasks, and reports whether it did.
func (dc *decision) tooManyTasks() bool {
	limit := dc.d.limits().MaxTasks
	if n := len(dc.s.Tasks) + dc.s.Removed; n < limit {
		return false
	}
	dc.cancelOpen()
	dc.end(api.WorkflowFailed, fmt.Sprintf("Workflow reached the limit (maxTasks) of %d tasks", limit), dc.s.Output, nil)
	return true
}

// payloadSize is the size of v's JSON encoding, counted up to limit: a
// result over limit means "more than limit". It walks the value without
// encoding it.
func payloadSize(v any, limit int) int {
	n := 0
	var walk func(v any)
	walk = func(v any) {
		if n > limit {
			return
		}
		switch x := v.(type) {
		case nil:
			n += 4
		case bool:
			n += 5
		case string:
			n += len(x) + 2
		case map[string]any:
			n += 2
			for k, e := range x {
				n += len(k) + 4
				walk(e)
			}
		case []any:
			n += 2
			for _, e := range x {
				n++
				walk(e)
			}
		case int:
			var buf [24]byte
			n += len(strconv.AppendInt(buf[:0], int64(x), 10))
		case int64:
			var buf [24]byte
			n += len(strconv.AppendInt(buf[:0], x, 10))
		case float64:
			var buf [32]byte
			n += len(strconv.AppendFloat(buf[:0], x, 'g', -1, 64))
		default: // other typed values from inside the engine
			n += len(fmt.Sprint(x))
		}
	}
	walk(v)
	return n
}

// overPayload is the reason a payload of what ("task output", "workflow
// input") goes over MaxPayloadBytes, or "".
func (d Decider) overPayload(what string, v map[string]any) string {
	limit := d.limits().MaxPayloadBytes
	if n := payloadSize(v, limit); n > limit {
		return fmt.Sprintf("%s is larger than %d bytes, the limit (maxPayloadBytes)", what, limit)
	}
	return ""
}
