package decider

import (
	"strconv"
	"strings"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/expr"
	"github.com/legatohq/legato/pkg/workflow"
)

// errNoJS is the reason a script task fails while no evaluator is wired.
const errNoJS = "javascript evaluation is not available yet"

// startSwitch evaluates a SWITCH. The case is recorded as input "case" and
// output evaluationResult/selectedCase; proceed schedules its branch.
func (dc *decision) startSwitch(wt *workflow.WorkflowTask, input map[string]any) started {
	var c string
	switch wt.EvaluatorType {
	case "value-param":
		c = javaString(input[wt.Expression])
	case "javascript", "graaljs":
		v, reason := dc.js(wt.Expression, input)
		if reason != "" {
			return started{status: api.TaskFailed, reason: reason}
		}
		c = javaString(v)
	case "":
		return started{status: api.TaskFailed, reason: "SWITCH task " + wt.TaskReferenceName + " has no evaluatorType (value-param or javascript)"}
	default:
		return started{status: api.TaskFailed, reason: "No evaluator registered for type: " + wt.EvaluatorType}
	}
	input["case"] = c
	return started{status: api.TaskCompleted, output: map[string]any{"evaluationResult": []any{c}, "selectedCase": c}}
}

// startDecision evaluates a legacy DECISION: caseValueParam names an input
// key, or caseExpression is JavaScript.
func (dc *decision) startDecision(wt *workflow.WorkflowTask, input map[string]any) started {
	var c string
	switch {
	case wt.CaseValueParam != "":
		c = javaString(input[wt.CaseValueParam])
	case wt.CaseExpression != "":
		v, reason := dc.js(wt.CaseExpression, input)
		if reason != "" {
			return started{status: api.TaskFailed, reason: reason}
		}
		c = javaString(v)
	default:
		c = "null"
	}
	input["case"] = c
	return started{status: api.TaskCompleted, output: map[string]any{"caseOutput": []any{c}}}
}

// js runs a case expression with $ bound to the task input. The reason is
// "" on success. The result is recorded (input "case"), so a replay never
// runs the script again.
func (dc *decision) js(src string, input map[string]any) (any, string) {
	if dc.d.Scripts == nil {
		return nil, errNoJS
	}
	v, err := dc.d.Scripts.JS(src, input)
	if err != nil {
		return nil, "Error while evaluating script: " + err.Error()
	}
	return v, ""
}

// selectedCase is the list of tasks a finished SWITCH or DECISION chose:
// for a SWITCH, decisionCases[case] when the key exists (even if empty),
// else defaultCase; for a DECISION, a non-empty decisionCases[case], else
// defaultCase.
func selectedCase(wt *workflow.WorkflowTask, t *Task) []*workflow.WorkflowTask {
	c, _ := t.Input["case"].(string)
	tasks, ok := wt.DecisionCases[c]
	if wt.Type == workflow.TaskTypeDecision {
		ok = len(tasks) > 0
	}
	if !ok {
		return wt.DefaultCase
	}
	return tasks
}

// javaString renders a value as Java's String.valueOf would render the
// Jackson-decoded value, as Conductor does with a case value: null is
// "null", 1.0 is "1", a map is {k=v}. Non-strings go through expr, which
// owns that rendering: "${v}" embedded in text is concatenated with Java's
// toString.
func javaString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(x)
	}
	const mark = "\x00"
	env := expr.Env{Lookup: func(root string) (any, bool) { return v, root == "v" }}
	s, _ := expr.Resolve("${v}"+mark, env).(string)
	return strings.TrimSuffix(s, mark)
}
