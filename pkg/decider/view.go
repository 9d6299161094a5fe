package decider

import (
	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/workflow"
)

// WorkflowView renders s as Conductor's Workflow.
func WorkflowView(s *State, includeTasks bool) *api.Workflow {
	w := &api.Workflow{
		WorkflowID: s.WorkflowID, WorkflowName: s.Name, WorkflowVersion: s.Version,
		Status: s.Status, CreateTime: s.CreateTime, StartTime: s.CreateTime,
		UpdateTime: s.UpdateTime, EndTime: s.EndTime,
		ParentWorkflowID: s.ParentWorkflowID, ParentWorkflowTaskID: s.ParentWorkflowTaskID,
		Input: nonNil(s.Input), Output: nonNil(s.Output), CorrelationID: s.CorrelationID,
		ReasonForIncompletion: s.Reason, TaskToDomain: s.TaskToDomain,
		FailedReferenceTaskNames: nonNilList(s.FailedRefs), FailedTaskNames: nonNilList(s.FailedTaskNames),
		WorkflowDefinition: s.Def, Priority: s.Priority, Variables: nonNil(s.Variables),
		IdempotencyKey: s.IdempotencyKey, CreatedBy: s.CreatedBy, Tasks: []*api.Task{},
	}
	if w.TaskToDomain == nil {
		w.TaskToDomain = map[string]string{}
	}
	if includeTasks {
		var g *workflow.Graph
		if s.Def != nil {
			g = graphOf(s.Def)
		}
		w.Tasks = make([]*api.Task, len(s.Tasks))
		var forked map[string]*forkedTask
		for i, t := range s.Tasks {
			w.Tasks[i] = taskView(s, t, g, &forked)
		}
	}
	return w
}

// TaskView renders one attempt as Conductor's Task. Its workflowTask is
// the definition task of its reference name, nested ones included.
func TaskView(s *State, t *Task) *api.Task {
	var g *workflow.Graph
	if s.Def != nil {
		g = graphOf(s.Def)
	}
	var forked map[string]*forkedTask
	return taskView(s, t, g, &forked)
}

// taskView renders t; forked caches the tasks dynamic forks forked, found
// on first need.
func taskView(s *State, t *Task, g *workflow.Graph, forked *map[string]*forkedTask) *api.Task {
	v := &api.Task{
		TaskID: t.ID, TaskType: t.Type, Status: t.Status, InputData: nonNil(t.Input),
		OutputData: nonNil(t.Output), ReferenceTaskName: t.Ref, RetryCount: t.RetryCount,
		Seq: t.Seq, CorrelationID: s.CorrelationID, PollCount: t.PollCount, TaskDefName: t.DefName,
		ScheduledTime: t.ScheduledTime, StartTime: t.StartTime, EndTime: t.EndTime,
		UpdateTime: t.UpdateTime, StartDelayInSeconds: t.StartDelaySeconds,
		RetriedTaskID: t.RetriedTaskID, Retried: t.Retried, Executed: api.TaskTerminal(t.Status),
		CallbackFromWorker: true, ResponseTimeoutSeconds: t.ResponseTimeoutSeconds,
		WorkflowInstanceID: s.WorkflowID, WorkflowType: s.Name, ReasonForIncompletion: t.Reason,
		CallbackAfterSeconds: t.CallbackAfterSeconds, WorkerID: t.WorkerID, Domain: t.Domain,
		WorkflowPriority: s.Priority, FirstStartTime: t.FirstStartTime,
		Iteration: t.Iteration, LoopOverTask: t.Iteration > 0,
	}
	if isSubWorkflow(t) {
		v.SubWorkflowID = SubWorkflowID(t)
	}
	if t.StartTime > 0 {
		v.QueueWaitTime = t.StartTime - t.ScheduledTime
	}
	if g != nil {
		wt := g.Task(t.Ref)
		if wt == nil {
			if *forked == nil {
				*forked = map[string]*forkedTask{}
				collectForked(s, g, 0, *forked)
			}
			if f := (*forked)[t.Ref]; f != nil {
				wt = f.wt
			}
		}
		if wt != nil {
			v.WorkflowTask = wt
			v.TaskDefinition = wt.TaskDefinition
		}
	}
	return v
}

func nonNil(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func nonNilList(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
