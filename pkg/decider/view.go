package decider

import (
	"slices"

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
		LastRetriedTime: s.LastRetriedTime,
	}
	if w.TaskToDomain == nil {
		w.TaskToDomain = map[string]string{}
	}
	if includeTasks {
		vw := newViewer(s)
		vw.indexRows = true
		w.Tasks = make([]*api.Task, len(s.Tasks))
		for i, t := range s.Tasks {
			w.Tasks[i] = vw.task(t)
		}
	}
	return w
}

// TaskPage renders the attempts with one of statuses (all when none) from
// the start-th match on, at most count of them, in seq order, and counts
// every match.
func TaskPage(s *State, statuses []string, start, count int) (int, []*api.Task) {
	var page []*api.Task
	total := 0
	vw := newViewer(s)
	for _, t := range s.Tasks {
		if len(statuses) > 0 && !slices.Contains(statuses, t.Status) {
			continue
		}
		if total >= start && len(page) < count {
			page = append(page, vw.task(t))
		}
		total++
	}
	return total, page
}

// TaskView renders one attempt as Conductor's Task. Its workflowTask is
// the definition task of its reference name, nested ones included.
func TaskView(s *State, t *Task) *api.Task {
	return newViewer(s).task(t)
}

// viewer renders the tasks of one state; it caches what several tasks'
// views need, found on first need.
type viewer struct {
	s *State
	g *workflow.Graph
	// indexRows builds rows for rendering many tasks; one task's parent
	// is found by scanning back from it instead.
	indexRows bool
	rows      map[string][]*Task // attempts by reference name, in seq order
}

func newViewer(s *State) *viewer {
	vw := &viewer{s: s}
	if s.Def != nil {
		vw.g = graphOf(s.Def)
	}
	return vw
}

// forkedTask is the task a dynamic fork forked as ref, or nil.
func (vw *viewer) forkedTask(ref string) *forkedTask { return forkedTaskOf(vw.s, vw.g, ref) }

// task renders t.
func (vw *viewer) task(t *Task) *api.Task {
	s := vw.s
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
	if vw.g != nil {
		wt := vw.g.Task(t.Ref)
		if wt == nil {
			if f := vw.forkedTask(t.Ref); f != nil {
				wt = f.def
			}
		}
		if wt != nil {
			v.WorkflowTask = wt
			v.TaskDefinition = wt.TaskDefinition
			if wt.Type == workflow.TaskTypeForkJoinDynamic {
				v.InputData = vw.forkInput(t)
			}
		}
		v.ParentTaskID = vw.parentTaskID(t)
	}
	return v
}

// forkInput is a dynamic FORK row's input as upstream shows it: with the
// forked tasks' definitions in forkedTaskDefs, which the row does not
// store (forkdynamic.go).
func (vw *viewer) forkInput(t *Task) map[string]any {
	refs := inputRefs(t, "forkedTasks", nil)
	if refs == nil || t.Input["forkedTaskDefs"] != nil {
		return nonNil(t.Input)
	}
	suffix := t.Ref[len(vw.g.Task(t.Ref).TaskReferenceName):]
	defs := make([]*workflow.WorkflowTask, 0, len(refs))
	for _, ref := range refs {
		if f := vw.forkedTask(ref + suffix); f != nil {
			defs = append(defs, f.def)
		}
	}
	in := make(map[string]any, len(t.Input)+1)
	for k, v := range t.Input {
		if k != forkedDefinitionsKey {
			in[k] = v
		}
	}
	in["forkedTaskDefs"] = defs
	return in
}

// parentTaskID is the task id of the row a UI draws t inside: the DO_WHILE
// row for a loop-body row, the FORK row for a row of a fork branch (static
// or dynamic), the innermost of them when nested; "" at the top level.
// It is derived from the graph and the rows: the container's latest row
// scheduled before t (of the same iteration when the container is itself
// in a loop body).
func (vw *viewer) parentTaskID(t *Task) string {
	c := vw.g.Container(t.Ref)
	if c == nil {
		if vw.g.Task(t.Ref) != nil {
			return ""
		}
		if f := vw.forkedTask(t.Ref); f != nil {
			return f.fork
		}
		return ""
	}
	// The container's row carries as much of t's suffix chain as there
	// are loops around the container.
	ref := c.TaskReferenceName
	if d := vw.g.Depth(ref); d > 0 {
		ref += workflow.OuterSuffix(workflow.IterationSuffix(t.Ref, vw.g.Depth(t.Ref)), d)
	}
	rows := vw.s.Tasks
	if vw.indexRows {
		if vw.rows == nil {
			vw.rows = map[string][]*Task{}
			for _, r := range vw.s.Tasks {
				vw.rows[r.Ref] = append(vw.rows[r.Ref], r)
			}
		}
		rows = vw.rows[ref]
	}
	for i := len(rows) - 1; i >= 0; i-- {
		if rows[i].Ref == ref && rows[i].Seq < t.Seq {
			return rows[i].ID
		}
	}
	return ""
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
