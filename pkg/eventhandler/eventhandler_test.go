package eventhandler

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/legatohq/legato/pkg/script"
	"github.com/legatohq/legato/pkg/workflow"
)

func decode(t *testing.T, s string) *Handler {
	t.Helper()
	var h Handler
	if err := json.Unmarshal([]byte(s), &h); err != nil {
		t.Fatal(err)
	}
	return &h
}

const completeWait = `{"name":"complete_order_approval","event":"kafka:order-approvals","condition":"$.approved == true",
 "actions":[{"action":"complete_task","complete_task":{"workflowId":"${workflowId}","taskRefName":"approval",
  "output":{"approved":"${approved}","approvedBy":"${approvedBy}","eventId":"${eventId}"}}}],"active":true}`

func TestValidateAccepts(t *testing.T) {
	for _, s := range []string{
		completeWait,
		`{"name":"s","event":"conductor:wf:ref","actions":[{"action":"start_workflow","start_workflow":{"name":"w"}}]}`,
		`{"name":"f","event":"kafka:t","actions":[{"action":"fail_task","fail_task":{"taskId":"${id}"}}]}`,
		`{"name":"u","event":"kafka:t","actions":[{"action":"terminate_workflow","terminate_workflow":{"workflowId":"x"}}]}`,
	} {
		if err := decode(t, s).Validate(); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
}

func TestValidateRejects(t *testing.T) {
	cases := []struct{ body, path, msg string }{
		{`{"event":"kafka:t","actions":[{"action":"fail_task","fail_task":{"taskId":"x"}}]}`, "name", "Missing event handler name"},
		{`{"name":"a","actions":[{"action":"fail_task","fail_task":{"taskId":"x"}}]}`, "event", "Missing event location"},
		{`{"name":"a","event":"orders","actions":[{"action":"fail_task","fail_task":{"taskId":"x"}}]}`, "event", "must be type:queue"},
		{`{"name":"a","event":"kafka:","actions":[{"action":"fail_task","fail_task":{"taskId":"x"}}]}`, "event", "must be type:queue"},
		{`{"name":"a","event":"sqs:q","actions":[{"action":"fail_task","fail_task":{"taskId":"x"}}]}`, "event", `event type "sqs" is not supported`},
		{`{"name":"a","event":"kafka:t","actions":[]}`, "actions", "No actions specified"},
		{`{"name":"a","event":"kafka:t","actions":[{"action":"launch"}]}`, "actions[0].action", `unknown action "launch"`},
		{`{"name":"a","event":"kafka:t","actions":[{"action":"start_workflow"}]}`, "actions[0].start_workflow.name", "needs the name"},
		{`{"name":"a","event":"kafka:t","actions":[{"action":"complete_task","complete_task":{"workflowId":"w"}}]}`, "actions[0].complete_task", "needs taskId, or workflowId and taskRefName"},
		{`{"name":"a","event":"kafka:t","actions":[{"action":"complete_task","complete_task":{"taskId":"x","output":{"a":"${b"}}}]}`, "actions[0].complete_task.output", "bad expression"},
	}
	for _, c := range cases {
		err := decode(t, c.body).Validate()
		var ve *workflow.ValidationError
		if !errors.As(err, &ve) || !errors.Is(err, workflow.ErrInvalid) {
			t.Errorf("%s: got %v, want a validation error", c.body, err)
			continue
		}
		if len(ve.Problems) != 1 || ve.Problems[0].Path != c.path || !strings.Contains(ve.Problems[0].Message, c.msg) {
			t.Errorf("%s: problems %+v, want %s: %s", c.body, ve.Problems, c.path, c.msg)
		}
	}
}

func TestMatches(t *testing.T) {
	js, err := script.New(script.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	h := decode(t, completeWait)
	for _, c := range []struct {
		payload any
		want    bool
	}{
		{map[string]any{"approved": true}, true},
		{map[string]any{"approved": false}, false},
		{map[string]any{}, false},
	} {
		if got, err := h.Matches(js, c.payload); err != nil || got != c.want {
			t.Errorf("Matches(%v) = %v, %v; want %v", c.payload, got, err, c.want)
		}
	}
	// The condition sees inline JSON expanded, as upstream.
	inline := &Handler{Condition: "$.order.total > 10"}
	if got, err := inline.Matches(js, map[string]any{"order": `{"total": 12}`}); err != nil || !got {
		t.Errorf("inline JSON condition = %v, %v", got, err)
	}
	vp := &Handler{Condition: "ok", EvaluatorType: "value-param"}
	if got, _ := vp.Matches(js, map[string]any{"ok": true}); !got {
		t.Error("value-param true did not match")
	}
	if got, _ := vp.Matches(js, map[string]any{"ok": "yes"}); got {
		t.Error("value-param string matched")
	}
	if _, err := h.Matches(js, "text"); !errors.Is(err, ErrNotObject) {
		t.Errorf("condition on a string payload: %v", err)
	}
	if _, err := (&Handler{Condition: "$.a.b.c"}).Matches(js, map[string]any{}); !errors.Is(err, script.ErrScript) {
		t.Errorf("failing condition: %v", err)
	}
	if got, err := (&Handler{}).Matches(js, "anything"); err != nil || !got {
		t.Errorf("no condition = %v, %v", got, err)
	}
}

func TestTaskUpdate(t *testing.T) {
	h := decode(t, completeWait)
	payload := map[string]any{"workflowId": "wf1", "approved": true, "approvedBy": "ann", "eventId": "e1"}
	got := h.Actions[0].TaskUpdate(payload, "kafka:order-approvals", "m1")
	want := TaskUpdate{Status: "COMPLETED", WorkflowID: "wf1", TaskRefName: "approval", Output: map[string]any{
		"workflowId": "wf1", "taskRefName": "approval", "taskId": nil,
		"approved": true, "approvedBy": "ann", "eventId": "e1",
		KeyMessageID: "m1", KeyEventName: "kafka:order-approvals",
	}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("TaskUpdate =\n %+v\nwant\n %+v", got, want)
	}
	fail := Action{Action: ActionFailTask, FailTask: &TaskDetails{TaskID: "${ids.task}"}, ExpandInlineJSON: true}
	if u := fail.TaskUpdate(map[string]any{"ids": `{"task":"t9"}`}, "e", "m"); u.Status != "FAILED" || u.TaskID != "t9" || u.WorkflowID != "" {
		t.Errorf("fail_task with inline JSON: %+v", u)
	}
}

func TestStartRequest(t *testing.T) {
	a := Action{Action: ActionStartWorkflow, StartWorkflow: &StartWorkflow{
		Name: "ship", Version: 2, CorrelationID: "order-${order.id}",
		Input: map[string]any{"order": "${order}", "fixed": 1}, TaskToDomain: map[string]string{"*": "d"},
	}}
	req := a.StartRequest(map[string]any{"order": map[string]any{"id": 7.0}}, "conductor:w:r", "t1")
	if req.Name != "ship" || req.Version != 2 || req.CorrelationID != "order-7" || req.TaskToDomain["*"] != "d" {
		t.Errorf("request %+v", req)
	}
	wantIn := map[string]any{"order": map[string]any{"id": 7.0}, "fixed": 1, KeyMessageID: "t1", KeyEventName: "conductor:w:r"}
	if !reflect.DeepEqual(req.Input, wantIn) {
		t.Errorf("input %v, want %v", req.Input, wantIn)
	}
}
