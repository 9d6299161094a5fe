package decider

import (
	"strings"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/workflow"
)

// INLINE, LAMBDA and JSON_JQ_TRANSFORM run a script over their whole
// resolved input and finish at once, in the Decide that schedules them.
// Their result is recorded in the TaskUpdated event's output, so a replay
// never evaluates the script again (and a script that reads the clock or
// Math.random is replayed as it ran).

// errNoScripts is the reason a script task fails while no evaluator is
// wired (Decider.Scripts is nil).
const errNoScripts = "script evaluation is not available (no evaluator configured)"

// startInline evaluates an INLINE task: input evaluatorType (javascript,
// its alias graaljs, or value-param; javascript when absent) and
// expression, with $ bound to the whole input. Output {result}. Any
// failure is terminal, with the message as reason and output {error}.
func (dc *decision) startInline(wt *workflow.WorkflowTask, input map[string]any) started {
	evaluator, _ := input["evaluatorType"].(string)
	expression, _ := input["expression"].(string)
	// Conductor reads both from the input only; a definition that puts them
	// on the task, as a SWITCH does, means the same thing.
	if _, ok := input["evaluatorType"]; !ok {
		evaluator = wt.EvaluatorType
	}
	if _, ok := input["expression"]; !ok {
		expression = wt.Expression
	}
	if strings.TrimSpace(evaluator) == "" {
		evaluator = "javascript"
	}
	if strings.TrimSpace(expression) == "" {
		return inlineFailed("Empty 'expression' in INLINE task's input parameters. A non-empty String value must be provided.")
	}
	var v any
	switch evaluator {
	case "value-param":
		v = input[expression]
	case "javascript", "graaljs":
		if dc.d.Scripts == nil {
			return inlineFailed(errNoScripts)
		}
		var err error
		if v, err = dc.d.Scripts.JS(expression, input); err != nil {
			return inlineFailed(err.Error())
		}
	default:
		return inlineFailed("Unknown evaluator '" + evaluator + "' in INLINE task.")
	}
	return started{status: api.TaskCompleted, output: map[string]any{"result": v}}
}

func inlineFailed(msg string) started {
	return started{status: api.TaskFailedWithTerminalError, reason: msg, output: map[string]any{"error": msg}}
}

// startLambda evaluates a LAMBDA task: input scriptExpression is the body
// of a JavaScript function whose return value is output {result}. A
// failure is FAILED (retried if the task allows it), with output {error}.
func (dc *decision) startLambda(wt *workflow.WorkflowTask, input map[string]any) started {
	body, _ := input["scriptExpression"].(string)
	if _, ok := input["scriptExpression"]; !ok {
		body = wt.ScriptExpression
	}
	if strings.TrimSpace(body) == "" {
		return started{status: api.TaskFailed,
			reason: "Empty 'scriptExpression' in Lambda task's input parameters. A non-empty String value must be provided."}
	}
	if dc.d.Scripts == nil {
		return started{status: api.TaskFailed, reason: errNoScripts, output: map[string]any{"error": errNoScripts}}
	}
	v, err := dc.d.Scripts.Lambda(body, input)
	if err != nil {
		return started{status: api.TaskFailed, reason: err.Error(), output: map[string]any{"error": err.Error()}}
	}
	return started{status: api.TaskCompleted, output: map[string]any{"result": v}}
}

// startJQ runs a JSON_JQ_TRANSFORM task: input queryExpression on the
// whole input. Output result (the first result, null if none) and
// resultList (all of them). A failure is FAILED with output {error}.
func (dc *decision) startJQ(input map[string]any) started {
	query, ok := input["queryExpression"].(string)
	if !ok {
		return started{status: api.TaskFailed, reason: "Missing 'queryExpression' in input parameters"}
	}
	if dc.d.Scripts == nil {
		return started{status: api.TaskFailed, reason: errNoScripts, output: map[string]any{"error": errNoScripts}}
	}
	results, err := dc.d.Scripts.JQ(query, input)
	if err != nil {
		return started{status: api.TaskFailed, reason: err.Error(), output: map[string]any{"error": err.Error()}}
	}
	var first any
	if len(results) > 0 {
		first = results[0]
	}
	if results == nil {
		results = []any{}
	}
	return started{status: api.TaskCompleted, output: map[string]any{"result": first, "resultList": results}}
}
