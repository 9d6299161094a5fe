package decider

// lookup builds the one root object a ${...} path starts from: "workflow"
// or the latest attempt of a task reference name. Building only the root
// that is asked for keeps resolution cheap on long workflows. A loop-body
// task's name finds its latest row, whatever the iteration (latestRow).
func lookup(s *State, root string) (any, bool) {
	if root == "workflow" {
		return map[string]any{
			"input":                 s.Input,
			"output":                s.Output,
			"status":                s.Status,
			"workflowId":            s.WorkflowID,
			"parentWorkflowId":      s.ParentWorkflowID,
			"parentWorkflowTaskId":  s.ParentWorkflowTaskID,
			"workflowType":          s.Name,
			"version":               s.Version,
			"correlationId":         s.CorrelationID,
			"reasonForIncompletion": s.Reason,
			"schemaVersion":         2,
			"variables":             s.Variables,
			"createTime":            s.CreateTime,
			"priority":              s.Priority,
			"taskToDomain":          s.TaskToDomain,
		}, true
	}
	t := latestRow(s, root)
	if t == nil {
		return nil, false
	}
	return map[string]any{
		"input":                 t.Input,
		"output":                t.Output,
		"taskType":              t.Type,
		"status":                t.Status,
		"referenceTaskName":     t.Ref,
		"retryCount":            t.RetryCount,
		"correlationId":         s.CorrelationID,
		"pollCount":             t.PollCount,
		"taskDefName":           t.DefName,
		"scheduledTime":         t.ScheduledTime,
		"startTime":             t.StartTime,
		"endTime":               t.EndTime,
		"workflowInstanceId":    s.WorkflowID,
		"taskId":                t.ID,
		"reasonForIncompletion": t.Reason,
		"callbackAfterSeconds":  t.CallbackAfterSeconds,
		"workerId":              t.WorkerID,
		"iteration":             t.Iteration,
	}, true
}
