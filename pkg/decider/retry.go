package decider

import "github.com/legatohq/legato/pkg/workflow"

// defaultTaskDef is upstream's ad-hoc definition for a SIMPLE task that has
// no registered TaskDef: three retries, 60 s apart, 3600 s response timeout.
var defaultTaskDef = func() *workflow.TaskDef {
	td := &workflow.TaskDef{}
	td.ApplyDefaults()
	return td
}()

// asyncTaskDef is the ad-hoc definition of an async system task without a
// registered TaskDef: no retries, as upstream, and a response timeout so
// that a call lost in a crash ends instead of hanging.
var asyncTaskDef = func() *workflow.TaskDef {
	zero, timeout := 0, int64(60)
	td := &workflow.TaskDef{RetryCount: &zero, ResponseTimeoutSeconds: &timeout}
	td.ApplyDefaults()
	return td
}()

// taskDef is the definition snapshot a task runs with.
func taskDef(wt *workflow.WorkflowTask) *workflow.TaskDef {
	switch {
	case wt.TaskDefinition != nil:
		return wt.TaskDefinition
	case isAsync(wt):
		return asyncTaskDef
	}
	return defaultTaskDef
}

// retryLimit is how many retries a task gets: the workflow task's
// retryCount overrides the TaskDef's. System tasks have no ad-hoc TaskDef
// (0 retries), and the control-flow ones are never retried.
func retryLimit(wt *workflow.WorkflowTask) int {
	if isSystem(wt) {
		switch wt.Type {
		case workflow.TaskTypeDecision, workflow.TaskTypeSwitch, workflow.TaskTypeForkJoin,
			workflow.TaskTypeJoin, workflow.TaskTypeExclusiveJoin, workflow.TaskTypeDoWhile:
			return 0
		}
		if wt.RetryCount != nil {
			return *wt.RetryCount
		}
		if wt.TaskDefinition != nil {
			return deref(wt.TaskDefinition.RetryCount, 0)
		}
		return 0
	}
	if wt.RetryCount != nil {
		return *wt.RetryCount
	}
	return deref(taskDef(wt).RetryCount, 0)
}

// retryDelay is the delay in seconds before retry n+1 of a task whose
// attempt n (0-based) failed.
func retryDelay(td *workflow.TaskDef, n int) int64 {
	d := deref(td.RetryDelaySeconds, 0)
	scale := int64(deref(td.BackoffScaleFactor, 1))
	switch td.RetryLogic {
	case "LINEAR_BACKOFF":
		d = d * scale * int64(n+1)
	case "EXPONENTIAL_BACKOFF":
		for i := 0; i < n && d < 1<<40; i++ {
			d *= 2
		}
	}
	if td.MaxRetryDelaySeconds > 0 && d > td.MaxRetryDelaySeconds {
		d = td.MaxRetryDelaySeconds
	}
	return d
}

func deref[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}
