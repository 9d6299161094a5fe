package eventhandler

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/expr"
)

// Output and input keys upstream adds to what an action changes, naming
// the message that caused it.
const (
	KeyMessageID = "conductor.event.messageId"
	KeyEventName = "conductor.event.name"
)

// Scripts evaluates a JavaScript condition with $ bound to input.
type Scripts interface {
	JS(script string, input map[string]any) (any, error)
}

// ErrNotObject is returned for a condition on a payload that is not a JSON
// object: $ can only be bound to one.
var ErrNotObject = errors.New("eventhandler: the payload is not a JSON object")

// Matches reports whether payload meets h's condition; no condition
// matches everything. As upstream, the condition sees the payload with
// inline JSON expanded, value-param tests the payload key the condition
// names, and any other evaluatorType is JavaScript; the result counts as
// true when it is true or a number above zero.
func (h *Handler) Matches(js Scripts, payload any) (bool, error) {
	if h.Condition == "" {
		return true, nil
	}
	obj, ok := Expand(payload).(map[string]any)
	if !ok {
		return false, ErrNotObject
	}
	if h.EvaluatorType == "value-param" {
		return expr.Truthy(obj[h.Condition]), nil
	}
	v, err := js.JS(h.Condition, obj)
	if err != nil {
		return false, err
	}
	return expr.Truthy(v), nil
}

// Expand returns v with every string that holds a JSON object or array,
// at any depth, replaced by its parsed value (upstream's
// JsonUtils.expand). v itself is not changed.
func Expand(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = Expand(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = Expand(e)
		}
		return out
	case string:
		s := strings.TrimSpace(t)
		if strings.HasPrefix(s, "{") || strings.HasPrefix(s, "[") {
			var parsed any
			if json.Unmarshal([]byte(s), &parsed) == nil {
				return Expand(parsed)
			}
		}
	}
	return v
}

// payloadEnv resolves ${path} against a message payload: the path's first
// segment is a key of the payload object. The environment is not visible
// to expressions that messages feed.
func payloadEnv(a *Action, payload any) expr.Env {
	if a.ExpandInlineJSON {
		payload = Expand(payload)
	}
	obj, _ := payload.(map[string]any)
	return expr.Env{Lookup: func(root string) (any, bool) {
		v, ok := obj[root]
		return v, ok
	}}
}

// StartRequest resolves a start_workflow action against payload. The
// workflow's input gains the message id and event name, as upstream.
func (a *Action) StartRequest(payload any, event, messageID string) *api.StartWorkflowRequest {
	p := a.StartWorkflow
	env := payloadEnv(a, payload)
	input := expr.ResolveMap(p.Input, env)
	input[KeyMessageID] = messageID
	input[KeyEventName] = event
	req := &api.StartWorkflowRequest{Name: p.Name, Version: p.Version, Input: input, TaskToDomain: p.TaskToDomain}
	if p.CorrelationID != "" {
		req.CorrelationID = javaString(expr.Resolve(p.CorrelationID, env))
	}
	return req
}

// TaskUpdate is a complete_task or fail_task action resolved against one
// message.
type TaskUpdate struct {
	// Status is COMPLETED or FAILED.
	Status string
	// TaskID names the task when set; otherwise it is the open task
	// TaskRefName of WorkflowID.
	WorkflowID, TaskRefName, TaskID string
	// Output is the task's new output: as upstream, the resolved ids and
	// output parameters, the message id and the event name.
	Output map[string]any
}

// TaskUpdate resolves a complete_task or fail_task action against payload.
func (a *Action) TaskUpdate(payload any, event, messageID string) TaskUpdate {
	d, status := a.CompleteTask, api.TaskCompleted
	if a.Action == ActionFailTask {
		d, status = a.FailTask, api.TaskFailed
	}
	in := make(map[string]any, len(d.Output)+5)
	for k, v := range d.Output {
		in[k] = v
	}
	in["workflowId"], in["taskId"], in["taskRefName"] = nilIfEmpty(d.WorkflowID), nilIfEmpty(d.TaskID), nilIfEmpty(d.TaskRefName)
	out := expr.ResolveMap(in, payloadEnv(a, payload))
	out[KeyMessageID] = messageID
	out[KeyEventName] = event
	return TaskUpdate{
		Status:      status,
		WorkflowID:  javaString(out["workflowId"]),
		TaskRefName: javaString(out["taskRefName"]),
		TaskID:      javaString(out["taskId"]),
		Output:      out,
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// javaString is a resolved id as text; null (a missing payload key) is "".
func javaString(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	}
	b, _ := json.Marshal(v)
	return string(b)
}
