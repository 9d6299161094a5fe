package decider

import (
	"strings"

	"github.com/legatohq/legato/pkg/workflow"
)

// A DYNAMIC task is a worker task whose name comes from its input: the
// input key named by dynamicTaskNameParam. schedule resolves the input,
// reads the name and offers the row to pollers of that name (taskType and
// taskDefName are the name); from then on it is an ordinary worker task.
// When the input names no task, the row fails at once with a terminal
// error (startSystem), which fails the workflow unless it is optional.
//
// Conductor applies the TaskDef registered under the resolved name. The
// decider sees only the definition snapshot, in which a DYNAMIC task can
// carry no registered TaskDef, so it runs with its inline taskDefinition
// or the ad-hoc defaults of a worker task.

// dynamicName is the task name a DYNAMIC task's resolved input names, or
// "" when there is none.
func dynamicName(wt *workflow.WorkflowTask, input map[string]any) string {
	if wt.DynamicTaskNameParam == "" {
		return ""
	}
	name, _ := input[wt.DynamicTaskNameParam].(string)
	return strings.TrimSpace(name)
}
