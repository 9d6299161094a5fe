package decider

import (
	"runtime"
	"sync"
	"weak"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/workflow"
)

// graphs caches the index of each definition snapshot, so a Decide does
// not rebuild it. Definitions are immutable and shared by every execution
// (and goroutine) that runs them, so the snapshot's identity is the key.
// Keys are weak: an entry goes away with its definition, and the cache
// never holds a definition alive. It is derived data only — a miss
// rebuilds the same graph — so it cannot change what Decide does.
var graphs sync.Map // weak.Pointer[workflow.WorkflowDef] -> *workflow.Graph

// graphOf returns def's graph, building it on first use.
func graphOf(def *workflow.WorkflowDef) *workflow.Graph {
	k := weak.Make(def)
	if g, ok := graphs.Load(k); ok {
		return g.(*workflow.Graph)
	}
	g, loaded := graphs.LoadOrStore(k, workflow.NewGraph(def))
	if !loaded {
		runtime.AddCleanup(def, func(k weak.Pointer[workflow.WorkflowDef]) { graphs.Delete(k) }, k)
	}
	return g.(*workflow.Graph)
}

// graph is the definition's graph, looked up once per Decide.
func (dc *decision) graph() *workflow.Graph {
	if dc.g == nil {
		dc.g = graphOf(dc.s.Def)
	}
	return dc.g
}

// defTask finds the definition task of a reference name anywhere in the
// definition, or among the tasks dynamic forks have forked, or nil.
func (dc *decision) defTask(ref string) *workflow.WorkflowTask {
	if wt := dc.graph().Task(ref); wt != nil {
		return wt
	}
	if f := dc.forkedTaskOf(ref); f != nil {
		return f.wt // forked by a FORK_JOIN_DYNAMIC (forkdynamic.go)
	}
	return nil
}

// isSystem reports whether the engine runs wt itself: every type but
// SIMPLE and DYNAMIC (a worker task whose name comes from its input), and
// the async ones. System tasks are never offered to workers.
func isSystem(wt *workflow.WorkflowTask) bool {
	return wt != nil && wt.Type != "" && wt.Type != workflow.TaskTypeSimple &&
		wt.Type != workflow.TaskTypeDynamic && !isAsync(wt)
}

// isAsync reports whether wt is an async system task (HTTP, KAFKA_PUBLISH,
// SUB_WORKFLOW, START_WORKFLOW): offered through a queue only the engine polls
// (api.SystemDomain) and run off the shard goroutines, then reported like
// a worker's result, so a slow call never stalls a shard and a crash
// mid-call ends in a response timeout (subworkflow.go for SUB_WORKFLOW).
func isAsync(wt *workflow.WorkflowTask) bool {
	if wt == nil {
		return false
	}
	switch wt.Type {
	case workflow.TaskTypeHTTP, workflow.TaskTypeKafkaPublish, workflow.TaskTypeSubWorkflow, workflow.TaskTypeStartWorkflow:
		return true
	}
	return false
}

// system reports whether attempt t is a system task.
func (dc *decision) system(t *Task) bool { return isSystem(dc.defTask(t.Ref)) }

// asyncCompleteCall reports whether attempt t of wt is an HTTP or
// KAFKA_PUBLISH task with asyncComplete: after its call succeeds it stays
// IN_PROGRESS until updated from outside.
func asyncCompleteCall(wt *workflow.WorkflowTask, t *Task) bool {
	return wt != nil && awaitsUpdate(wt.Type) && asyncComplete(wt, t.Input)
}

// AsyncComplete reports whether the engine's call of task t (HTTP,
// KAFKA_PUBLISH) leaves it IN_PROGRESS for an update from outside.
func AsyncComplete(t *api.Task) bool { return asyncComplete(t.WorkflowTask, t.InputData) }

// asyncComplete is upstream's rule: the row input's asyncComplete when it
// has that key (true only if it is the boolean true), else the workflow
// task's.
func asyncComplete(wt *workflow.WorkflowTask, input map[string]any) bool {
	if v, ok := input["asyncComplete"]; ok {
		return v == true
	}
	return wt != nil && wt.AsyncComplete
}

// awaitsUpdate reports whether rows of a task type wait for an update
// after the engine's call when asyncComplete (Task.Awaiting).
func awaitsUpdate(typ string) bool {
	return typ == workflow.TaskTypeHTTP || typ == workflow.TaskTypeKafkaPublish
}
