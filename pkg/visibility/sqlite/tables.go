package sqlite

import (
	"strings"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/visibility/query"
)

// table describes how summaries of type T map to one table, its FTS
// table and its query schema. Column names are the schema's (a test
// checks that every schema column is one of the table's).
type table[T any] struct {
	name, key, fts string
	schema         *query.Schema
	cols           []column[T]
	id             func(*T) (id string, version int64)
	body           func(*T) string // free text, one field a line
	// bodySQL is body as an SQL expression over the row, for the terms
	// too short for the trigram index (search.go).
	bodySQL string
}

// linesSQL is an SQL expression joining exprs one per line, as lines does.
func linesSQL(exprs ...string) string {
	parts := make([]string, len(exprs))
	for i, e := range exprs {
		parts[i] = "coalesce(" + e + ", '')"
	}
	return strings.Join(parts, " || char(10) || ")
}

type column[T any] struct {
	name  string
	value func(*T) any
}

// str and ms store "" and 0 as NULL: unset fields are absent in
// Elasticsearch, and IS NULL and != must answer alike on both.
func str(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func ms(t int64) any {
	if t == 0 {
		return nil
	}
	return t
}

func lines(fields ...string) string { return strings.Join(fields, "\n") }

var workflows = &table[api.WorkflowSummary]{
	name: "workflow_summary", key: "workflow_id", fts: "workflow_fts",
	schema: query.Workflows(),
	cols: []column[api.WorkflowSummary]{
		{"workflow_id", func(w *api.WorkflowSummary) any { return w.WorkflowID }},
		{"workflow_type", func(w *api.WorkflowSummary) any { return str(w.WorkflowType) }},
		{"version", func(w *api.WorkflowSummary) any { return w.Version }},
		{"correlation_id", func(w *api.WorkflowSummary) any { return str(w.CorrelationID) }},
		{"status", func(w *api.WorkflowSummary) any { return str(w.Status) }},
		{"start_ms", func(w *api.WorkflowSummary) any { return ms(w.StartTime) }},
		{"update_ms", func(w *api.WorkflowSummary) any { return ms(w.UpdateTime) }},
		{"end_ms", func(w *api.WorkflowSummary) any { return ms(w.EndTime) }},
		{"execution_time", func(w *api.WorkflowSummary) any { return w.ExecutionTime }},
		{"reason_for_incompletion", func(w *api.WorkflowSummary) any { return str(w.ReasonForIncompletion) }},
		{"parent_workflow_id", func(w *api.WorkflowSummary) any { return str(w.ParentWorkflowID) }},
		{"priority", func(w *api.WorkflowSummary) any { return w.Priority }},
		{"created_by", func(w *api.WorkflowSummary) any { return str(w.CreatedBy) }},
		{"idempotency_key", func(w *api.WorkflowSummary) any { return str(w.IdempotencyKey) }},
		{"failed_reference_task_names", func(w *api.WorkflowSummary) any { return str(w.FailedReferenceTaskNames) }},
		{"event", func(w *api.WorkflowSummary) any { return str(w.Event) }},
		{"classifier", func(w *api.WorkflowSummary) any { return str(w.Classifier) }},
		// durationMs is set only once the workflow has ended.
		{"duration_ms", func(w *api.WorkflowSummary) any { return ms(w.DurationMs) }},
		{"failure_reason", func(w *api.WorkflowSummary) any { return str(w.FailureReason) }},
		{"root_workflow_id", func(w *api.WorkflowSummary) any { return str(w.RootWorkflowID) }},
		{"shard", func(w *api.WorkflowSummary) any { return w.Shard }},
		{"archived", func(w *api.WorkflowSummary) any { return w.Archived }},
		{"event_version", func(w *api.WorkflowSummary) any { return w.EventVersion }},
	},
	id: func(w *api.WorkflowSummary) (string, int64) { return w.WorkflowID, w.EventVersion },
	body: func(w *api.WorkflowSummary) string {
		return lines(w.WorkflowID, w.CorrelationID, w.WorkflowType, w.Status, w.ReasonForIncompletion, w.Input, w.Output)
	},
	bodySQL: linesSQL("workflow_id", "correlation_id", "workflow_type", "status", "reason_for_incompletion", "doc ->> '$.input'", "doc ->> '$.output'"),
}

var tasks = &table[api.TaskSummary]{
	name: "task_summary", key: "task_id", fts: "task_fts",
	schema: query.Tasks(),
	cols: []column[api.TaskSummary]{
		{"task_id", func(t *api.TaskSummary) any { return t.TaskID }},
		{"workflow_id", func(t *api.TaskSummary) any { return t.WorkflowID }},
		{"workflow_type", func(t *api.TaskSummary) any { return str(t.WorkflowType) }},
		{"correlation_id", func(t *api.TaskSummary) any { return str(t.CorrelationID) }},
		{"task_type", func(t *api.TaskSummary) any { return str(t.TaskType) }},
		{"task_def_name", func(t *api.TaskSummary) any { return str(t.TaskDefName) }},
		{"status", func(t *api.TaskSummary) any { return str(t.Status) }},
		{"reference_task_name", func(t *api.TaskSummary) any { return str(t.ReferenceTaskName) }},
		{"scheduled_ms", func(t *api.TaskSummary) any { return ms(t.ScheduledTime) }},
		{"start_ms", func(t *api.TaskSummary) any { return ms(t.StartTime) }},
		{"update_ms", func(t *api.TaskSummary) any { return ms(t.UpdateTime) }},
		{"end_ms", func(t *api.TaskSummary) any { return ms(t.EndTime) }},
		{"execution_time", func(t *api.TaskSummary) any { return t.ExecutionTime }},
		{"queue_wait_time", func(t *api.TaskSummary) any { return t.QueueWaitTime }},
		{"reason_for_incompletion", func(t *api.TaskSummary) any { return str(t.ReasonForIncompletion) }},
		{"domain", func(t *api.TaskSummary) any { return str(t.Domain) }},
		{"worker_id", func(t *api.TaskSummary) any { return str(t.WorkerID) }},
		{"retry_count", func(t *api.TaskSummary) any { return t.RetryCount }},
		{"iteration", func(t *api.TaskSummary) any { return t.Iteration }},
		{"failure_reason", func(t *api.TaskSummary) any { return str(t.FailureReason) }},
		{"workflow_start_ms", func(t *api.TaskSummary) any { return ms(t.WorkflowStartTime) }},
		{"event_version", func(t *api.TaskSummary) any { return t.EventVersion }},
	},
	id: func(t *api.TaskSummary) (string, int64) { return t.TaskID, t.EventVersion },
	body: func(t *api.TaskSummary) string {
		return lines(t.TaskID, t.WorkflowID, t.CorrelationID, t.TaskType, t.TaskDefName, t.Status, t.ReasonForIncompletion, t.Input, t.Output)
	},
	bodySQL: linesSQL("task_id", "workflow_id", "correlation_id", "task_type", "task_def_name", "status", "reason_for_incompletion",
		"doc ->> '$.input'", "doc ->> '$.output'"),
}

// upsertSQL writes one row unless the stored one is newer, marking its
// free text pending (text.go). RETURNING yields the row's id only when the
// row was inserted or updated.
func (t *table[T]) upsertSQL() string {
	names := make([]string, 0, len(t.cols)+1)
	sets := make([]string, 0, len(t.cols))
	for _, c := range t.cols {
		names = append(names, c.name)
		if c.name != t.key {
			sets = append(sets, c.name+" = excluded."+c.name)
		}
	}
	names = append(names, "doc")
	sets = append(sets, "doc = excluded.doc", "text_pending = 1")
	return "INSERT INTO " + t.name + " (" + strings.Join(names, ", ") + ", text_pending) VALUES (" +
		strings.Repeat("?, ", len(names)) + "1) ON CONFLICT (" + t.key +
		") DO UPDATE SET " + strings.Join(sets, ", ") +
		" WHERE excluded.event_version >= " + t.name + ".event_version RETURNING id"
}
