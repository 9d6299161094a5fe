package decider

import (
	"encoding/json"
	"regexp"
	"strings"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
)

// Visibility says which summaries a Decide changed, for the read side
// (the design's "Read side"). The caller builds them with Summaries from
// the state it commits — once per workflow per round, however many
// Decides touched it — and writes them to its visibility outbox in the
// round's batch, so search never misses a committed change.
type Visibility struct {
	// Workflow is set when the workflow's summary changed (any event).
	Workflow bool
	// Tasks are the task attempts whose summaries changed.
	Tasks []string
	// Removed is set when the workflow was deleted.
	Removed bool
}

// Merge adds o's changes to v.
func (v *Visibility) Merge(o Visibility) {
	v.Workflow = v.Workflow || o.Workflow
	v.Tasks = append(v.Tasks, o.Tasks...)
	v.Removed = v.Removed || o.Removed
}

// noteVisibility records in the Result which summaries event e changed.
func (dc *decision) noteVisibility(e *events.Event) {
	v := &dc.res.Visibility
	v.Workflow = true
	switch {
	case e.TaskScheduled != nil:
		v.Tasks = append(v.Tasks, e.TaskScheduled.TaskID)
	case e.TaskStarted != nil:
		v.Tasks = append(v.Tasks, e.TaskStarted.TaskID)
	case e.TaskUpdated != nil:
		v.Tasks = append(v.Tasks, e.TaskUpdated.TaskID)
	}
}

// summaryPayloadLimit caps the input and output a summary carries, as
// Conductor's indexers do: search matches their start, the workflow
// itself has all of it.
const summaryPayloadLimit = 32 << 10

// Summaries builds the summaries v names from s, as of s.LastEventID.
// Tasks named more than once, or gone since, are built once or skipped.
func Summaries(s *State, v Visibility, shard int) (*api.WorkflowSummary, []api.TaskSummary) {
	var w *api.WorkflowSummary
	if v.Workflow {
		w = workflowSummary(s, shard)
	}
	var tasks []api.TaskSummary
	seen := make(map[string]bool, len(v.Tasks))
	for _, id := range v.Tasks {
		if seen[id] {
			continue
		}
		seen[id] = true
		if t := s.Task(id); t != nil {
			tasks = append(tasks, taskSummary(s, t))
		}
	}
	return w, tasks
}

func workflowSummary(s *State, shard int) *api.WorkflowSummary {
	w := &api.WorkflowSummary{
		WorkflowID: s.WorkflowID, WorkflowType: s.Name, Version: s.Version, CorrelationID: s.CorrelationID,
		Status: s.Status, StartTime: s.CreateTime, UpdateTime: s.UpdateTime, EndTime: s.EndTime,
		ReasonForIncompletion: s.Reason, FailedReferenceTaskNames: strings.Join(s.FailedRefs, ","),
		FailedTaskNames: s.FailedTaskNames, Priority: s.Priority, CreatedBy: s.CreatedBy,
		TaskToDomain: s.TaskToDomain, IdempotencyKey: s.IdempotencyKey, ParentWorkflowID: s.ParentWorkflowID,
		EventVersion: s.LastEventID, Shard: shard, FailureReason: normalizeReason(s.Reason),
	}
	w.Input, w.InputSize = payloadString(s.Input)
	w.Output, w.OutputSize = payloadString(s.Output)
	if s.EndTime > 0 {
		w.ExecutionTime = s.EndTime - s.CreateTime
		w.DurationMs = w.ExecutionTime
	}
	return w
}

func taskSummary(s *State, t *Task) api.TaskSummary {
	ts := api.TaskSummary{
		TaskID: t.ID, WorkflowID: s.WorkflowID, WorkflowType: s.Name, CorrelationID: s.CorrelationID,
		ScheduledTime: t.ScheduledTime, StartTime: t.StartTime, UpdateTime: t.UpdateTime, EndTime: t.EndTime,
		Status: t.Status, ReasonForIncompletion: t.Reason, TaskDefName: t.DefName, TaskType: t.Type,
		WorkflowPriority: s.Priority, Domain: t.Domain, ReferenceTaskName: t.Ref, RetryCount: t.RetryCount,
		Seq: t.Seq, WorkerID: t.WorkerID, Iteration: t.Iteration, EventVersion: s.LastEventID,
		FailureReason: normalizeReason(t.Reason), WorkflowStartTime: s.CreateTime,
	}
	ts.Input, _ = payloadString(t.Input)
	ts.Output, _ = payloadString(t.Output)
	if t.EndTime > 0 && t.StartTime > 0 {
		ts.ExecutionTime = t.EndTime - t.StartTime
	}
	if t.StartTime > 0 {
		ts.QueueWaitTime = t.StartTime - t.ScheduledTime
	}
	return ts
}

// payloadString is m as JSON, cut at summaryPayloadLimit, and its size.
func payloadString(m map[string]any) (string, int64) {
	if len(m) == 0 {
		return "", 0
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", 0
	}
	n := int64(len(b))
	if len(b) > summaryPayloadLimit {
		b = b[:summaryPayloadLimit]
	}
	return string(b), n
}

// reasonNoise are the parts of a failure reason that differ between
// occurrences of the same failure: ids and numbers.
var reasonNoise = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\d+`)

// normalizeReason masks ids and numbers in a failure reason, so that
// analytics can group the same failure of many workflows.
func normalizeReason(r string) string {
	if r == "" {
		return ""
	}
	if len(r) > 512 {
		r = r[:512]
	}
	return reasonNoise.ReplaceAllStringFunc(r, func(m string) string {
		if len(m) == 36 {
			return "<id>"
		}
		return "<n>"
	})
}
