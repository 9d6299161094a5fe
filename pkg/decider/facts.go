package decider

import (
	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/workflow"
)

// Facts is what Decide reads from outside the workflow. The caller
// gathers it before it decides, from caches kept current by the services
// that own the facts, and passes it as plain data: Decide never calls out
// for it. Decide only reads the maps; the caller must not change a map it
// has handed over (publish a new one instead).
//
// Decide records what it read in the events (a dynamic fork's TaskDefs in
// its row, a domain pick in TaskScheduled), so replay never reads Facts.
type Facts struct {
	// TaskDefs are the registered task definitions by name: the worker
	// tasks a dynamic fork forks run by theirs (forkdynamic.go).
	TaskDefs map[string]*workflow.TaskDef
	// Polled is when (epoch ms) a worker last polled each queue that has a
	// domain: taskToDomain lists pick the first domain polled lately
	// (domain.go). A queue missing from it counts as never polled.
	Polled map[api.TaskQueue]int64
}
