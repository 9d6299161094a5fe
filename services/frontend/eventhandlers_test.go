package frontend

import (
	"testing"

	"github.com/legatohq/legato/pkg/eventhandler"
)

const approvalHandler = `{"name":"approve","event":"kafka:order-approvals","condition":"$.approved == true","active":true,
 "actions":[{"action":"complete_task","complete_task":{"workflowId":"${workflowId}","taskRefName":"approval","output":{"by":"${approvedBy}"}}}]}`

func TestEventHandlersCRUD(t *testing.T) {
	h := newServer(t, Options{Meta: openMeta(t)}).Handler()

	if r := do(t, h, "POST", "/api/event", approvalHandler).want(t, 200); r.Body != "" {
		t.Errorf("POST body %q, want empty", r.Body)
	}
	do(t, h, "POST", "/api/event", approvalHandler).wantError(t, 409, "EventHandler with name approve already exists")
	do(t, h, "POST", "/api/event", `{"name":"idle","event":"kafka:order-approvals","actions":[{"action":"start_workflow","start_workflow":{"name":"w"}}]}`).want(t, 200)
	do(t, h, "POST", "/api/event", `{"name":"other","event":"conductor:wf:ev","active":true,"actions":[{"action":"fail_task","fail_task":{"taskId":"${id}"}}]}`).want(t, 200)

	var all []eventhandler.Handler
	do(t, h, "GET", "/api/event", "").want(t, 200).json(t, &all)
	if len(all) != 3 || all[0].Name != "approve" || all[1].Name != "idle" || all[2].Name != "other" {
		t.Fatalf("GET /api/event: %+v", all)
	}
	if a := all[0]; !a.Active || a.Condition != "$.approved == true" || a.Actions[0].CompleteTask.Output["by"] != "${approvedBy}" {
		t.Errorf("stored handler %+v", a)
	}

	var got []eventhandler.Handler
	do(t, h, "GET", "/api/event/kafka:order-approvals", "").want(t, 200).json(t, &got)
	if len(got) != 1 || got[0].Name != "approve" {
		t.Errorf("active handlers of kafka:order-approvals: %+v", got)
	}
	do(t, h, "GET", "/api/event/kafka:order-approvals?activeOnly=false", "").want(t, 200).json(t, &got)
	if len(got) != 2 {
		t.Errorf("all handlers of kafka:order-approvals: %+v", got)
	}
	do(t, h, "GET", "/api/event/kafka:none", "").want(t, 200).json(t, &got)
	if len(got) != 0 {
		t.Errorf("handlers of kafka:none: %+v", got)
	}
	do(t, h, "GET", "/api/event/kafka:order-approvals?activeOnly=maybe", "").wantError(t, 400, "activeOnly")

	do(t, h, "PUT", "/api/event", `{"name":"idle","event":"kafka:order-approvals","active":true,"actions":[{"action":"start_workflow","start_workflow":{"name":"w2"}}]}`).want(t, 200)
	do(t, h, "GET", "/api/event/kafka:order-approvals", "").want(t, 200).json(t, &got)
	if len(got) != 2 || got[1].Actions[0].StartWorkflow.Name != "w2" {
		t.Errorf("after PUT: %+v", got)
	}
	do(t, h, "PUT", "/api/event", `{"name":"absent","event":"kafka:t","actions":[{"action":"start_workflow","start_workflow":{"name":"w"}}]}`).
		wantError(t, 404, "EventHandler with name absent not found")

	do(t, h, "DELETE", "/api/event/idle", "").want(t, 200)
	do(t, h, "DELETE", "/api/event/idle", "").wantError(t, 404, "EventHandler with name idle not found")
	do(t, h, "GET", "/api/event", "").want(t, 200).json(t, &all)
	if len(all) != 2 {
		t.Errorf("after DELETE: %+v", all)
	}
}

func TestEventHandlerValidation(t *testing.T) {
	h := newServer(t, Options{Meta: openMeta(t)}).Handler()
	for _, c := range []struct{ body, path, msg string }{
		{`{"event":"kafka:t","actions":[{"action":"start_workflow","start_workflow":{"name":"w"}}]}`, "name", "Missing event handler name"},
		{`{"name":"a","event":"orders","actions":[{"action":"start_workflow","start_workflow":{"name":"w"}}]}`, "event", "must be type:queue"},
		{`{"name":"a","event":"kafka:t"}`, "actions", "No actions specified"},
		{`{"name":"a","event":"kafka:t","actions":[{"action":"explode"}]}`, "actions[0].action", `unknown action "explode"`},
	} {
		for _, method := range []string{"POST", "PUT"} {
			e := do(t, h, method, "/api/event", c.body).wantError(t, 400, c.msg)
			if len(e.ValidationErrors) != 1 || e.ValidationErrors[0].Path != c.path {
				t.Errorf("%s %s: validationErrors %+v, want path %s", method, c.body, e.ValidationErrors, c.path)
			}
		}
	}
	do(t, h, "POST", "/api/event", `{"name":`).wantError(t, 400)
	do(t, h, "POST", "/api/event", ``).wantError(t, 400)
	var all []eventhandler.Handler
	do(t, h, "GET", "/api/event", "").want(t, 200).json(t, &all)
	if len(all) != 0 {
		t.Errorf("rejected handlers were stored: %+v", all)
	}
}
