package query

// The schemas of the two summaries. Query names are Conductor's
// (conductor-api.md §2) plus Legato's own; ES fields are the same names,
// SQLite columns their snake case with times as *_ms epoch ms. input and
// output are searched through free text only, as upstream (text fields
// in its mapping, never named in the UI's queries).

func field(name, column string, t Type) Field {
	return Field{Name: name, Column: column, ESField: name, Type: t, Sortable: t != Text}
}

var workflowSchema = NewSchema([]Field{
	field("workflowId", "workflow_id", Keyword),
	field("workflowType", "workflow_type", Keyword),
	field("version", "version", Int),
	field("correlationId", "correlation_id", Keyword),
	field("status", "status", Keyword),
	field("startTime", "start_ms", Date),
	field("updateTime", "update_ms", Date),
	field("endTime", "end_ms", Date),
	field("executionTime", "execution_time", Long),
	field("reasonForIncompletion", "reason_for_incompletion", Keyword),
	{Name: "parentWorkflowId", Column: "parent_workflow_id", ESField: "parentWorkflowId", Type: Keyword, Sortable: true, EmptyIsNull: true},
	field("priority", "priority", Int),
	field("createdBy", "created_by", Keyword),
	field("idempotencyKey", "idempotency_key", Keyword),
	field("failedReferenceTaskNames", "failed_reference_task_names", Text),
	field("event", "event", Keyword),
	field("classifier", "classifier", Keyword),
	field("durationMs", "duration_ms", Long),
	field("failureReason", "failure_reason", Keyword),
	field("rootWorkflowId", "root_workflow_id", Keyword),
	field("shard", "shard", Int),
	field("eventVersion", "event_version", Long),
	field("archived", "archived", Bool),
}, "workflowId", []SortKey{{Field: "startTime", Desc: true}})

var taskSchema = NewSchema([]Field{
	field("taskId", "task_id", Keyword),
	field("workflowId", "workflow_id", Keyword),
	field("workflowType", "workflow_type", Keyword),
	field("correlationId", "correlation_id", Keyword),
	field("taskType", "task_type", Keyword),
	field("taskDefName", "task_def_name", Keyword),
	field("status", "status", Keyword),
	field("referenceTaskName", "reference_task_name", Keyword),
	field("scheduledTime", "scheduled_ms", Date),
	field("startTime", "start_ms", Date),
	field("updateTime", "update_ms", Date),
	field("endTime", "end_ms", Date),
	field("executionTime", "execution_time", Long),
	field("queueWaitTime", "queue_wait_time", Long),
	field("reasonForIncompletion", "reason_for_incompletion", Keyword),
	field("domain", "domain", Keyword),
	field("workerId", "worker_id", Keyword),
	field("retryCount", "retry_count", Int),
	field("iteration", "iteration", Int),
	field("failureReason", "failure_reason", Keyword),
	field("workflowStartTime", "workflow_start_ms", Date),
}, "taskId", []SortKey{{Field: "updateTime", Desc: true}})

// Workflows is the schema of workflow summaries. Do not modify it.
func Workflows() *Schema { return workflowSchema }

// Tasks is the schema of task summaries. Do not modify it.
func Tasks() *Schema { return taskSchema }
