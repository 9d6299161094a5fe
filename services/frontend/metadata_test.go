package frontend

import (
	"net/http"
	"testing"

	"github.com/legatohq/legato/pkg/workflow"
)

func TestTaskDefsCRUD(t *testing.T) {
	h := newServer(t, Options{Meta: openMeta(t)}).Handler()

	r := do(t, h, "POST", "/api/metadata/taskdefs", `[{"name":"b","retryCount":0},{"name":"a","timeoutSeconds":120,"responseTimeoutSeconds":60}]`).want(t, 200)
	if r.Body != "" {
		t.Errorf("register body %q, want empty", r.Body)
	}

	var defs []workflow.TaskDef
	do(t, h, "GET", "/api/metadata/taskdefs", "").want(t, 200).json(t, &defs)
	if len(defs) != 2 || defs[0].Name != "a" || defs[1].Name != "b" {
		t.Fatalf("list: %+v", defs)
	}
	b := defs[1]
	if *b.RetryCount != 0 || b.RetryLogic != "FIXED" || *b.RetryDelaySeconds != 60 || *b.ResponseTimeoutSeconds != 3600 ||
		b.TimeoutPolicy != "TIME_OUT_WF" || *b.RateLimitFrequencyInSeconds != 1 || b.CreateTime != testNow.UnixMilli() {
		t.Errorf("defaults or createTime not applied: %+v", b)
	}

	var a workflow.TaskDef
	do(t, h, "GET", "/api/metadata/taskdefs/a", "").want(t, 200).json(t, &a)
	if *a.ResponseTimeoutSeconds != 60 || *a.RetryCount != 3 {
		t.Errorf("get a: %+v", a)
	}

	do(t, h, "PUT", "/api/metadata/taskdefs", `{"name":"a","retryCount":5}`).want(t, 200)
	do(t, h, "GET", "/api/metadata/taskdefs/a", "").want(t, 200).json(t, &a)
	if *a.RetryCount != 5 || a.UpdateTime != testNow.UnixMilli() || a.CreateTime != testNow.UnixMilli() {
		t.Errorf("after update: %+v", a)
	}
	do(t, h, "PUT", "/api/metadata/taskdefs", `{"name":"absent"}`).wantError(t, 404, "absent")

	do(t, h, "DELETE", "/api/metadata/taskdefs/a", "").want(t, 200)
	do(t, h, "GET", "/api/metadata/taskdefs/a", "").wantError(t, 404, "no task definition named a")
	do(t, h, "DELETE", "/api/metadata/taskdefs/a", "").wantError(t, 404)
}

func TestTaskDefsRejectedWhole(t *testing.T) {
	h := newServer(t, Options{Meta: openMeta(t)}).Handler()
	e := do(t, h, "POST", "/api/metadata/taskdefs", `[{"name":"ok"},{"name":"bad","responseTimeoutSeconds":0}]`).
		wantError(t, 400, "responseTimeoutSeconds must be at least 1")
	if len(e.ValidationErrors) != 1 || e.ValidationErrors[0].Path != "responseTimeoutSeconds" {
		t.Errorf("validationErrors: %+v", e.ValidationErrors)
	}
	// Nothing of a rejected request is stored.
	do(t, h, "GET", "/api/metadata/taskdefs/ok", "").want(t, 404)

	do(t, h, "POST", "/api/metadata/taskdefs", `[]`).wantError(t, 400, "non-empty list")
	do(t, h, "POST", "/api/metadata/taskdefs", `[null]`).wantError(t, 400, "null")
	do(t, h, "POST", "/api/metadata/taskdefs", `[{"retryLogic":"NOPE"},{"name":"x","retryCount":-1}]`).
		wantError(t, 400, "2 definitions are invalid", "name is required", "retryCount")
	do(t, h, "PUT", "/api/metadata/taskdefs", `{"name":"x","timeoutPolicy":"NOPE"}`).wantError(t, 400, "timeoutPolicy")
}

const wfV1 = `{"name":"w","version":1,"tasks":[{"name":"a","taskReferenceName":"a","inputParameters":{"x":"${workflow.input.x}"}}]}`
const wfV2 = `{"name":"w","version":2,"tasks":[{"name":"a","taskReferenceName":"a"},{"name":"b","taskReferenceName":"b"}]}`

func TestWorkflowDefsCRUD(t *testing.T) {
	h := newServer(t, Options{Meta: openMeta(t)}).Handler()

	do(t, h, "POST", "/api/metadata/workflow", wfV1).want(t, 200)
	do(t, h, "POST", "/api/metadata/workflow", wfV1).wantError(t, 409, "w version 1 already exists")
	do(t, h, "POST", "/api/metadata/workflow?overwrite=true", wfV1).want(t, 200)
	do(t, h, "POST", "/api/metadata/workflow?overwrite=maybe", wfV1).wantError(t, 400, "overwrite")
	do(t, h, "POST", "/api/metadata/workflow", wfV2).want(t, 200)
	do(t, h, "POST", "/api/metadata/workflow", `{"name":"other","tasks":[{"name":"o","taskReferenceName":"o"}]}`).want(t, 200)

	var d workflow.WorkflowDef
	do(t, h, "GET", "/api/metadata/workflow/w", "").want(t, 200).json(t, &d)
	if d.Version != 2 || len(d.Tasks) != 2 {
		t.Errorf("latest: %+v", d)
	}
	do(t, h, "GET", "/api/metadata/workflow/w?version=1", "").want(t, 200).json(t, &d)
	if d.Version != 1 || d.SchemaVersion != 2 || d.TimeoutPolicy != "ALERT_ONLY" || d.Restartable == nil || !*d.Restartable ||
		d.Tasks[0].Type != "SIMPLE" || d.CreateTime != testNow.UnixMilli() {
		t.Errorf("v1 with defaults: %+v", d)
	}
	var other workflow.WorkflowDef
	do(t, h, "GET", "/api/metadata/workflow/other", "").want(t, 200).json(t, &other)
	if other.Version != 1 {
		t.Errorf("version 0 in a POST must be stored as 1, got %d", other.Version)
	}
	do(t, h, "GET", "/api/metadata/workflow/w?version=9", "").wantError(t, 404, "no workflow definition named w with version 9")
	do(t, h, "GET", "/api/metadata/workflow/none", "").wantError(t, 404, "no workflow definition named none")
	do(t, h, "GET", "/api/metadata/workflow/w?version=x", "").wantError(t, 400, "version")

	var all []workflow.WorkflowDef
	do(t, h, "GET", "/api/metadata/workflow", "").want(t, 200).json(t, &all)
	if len(all) != 3 || all[0].Name != "other" || all[1].Version != 1 || all[2].Version != 2 {
		t.Errorf("all: %+v", all)
	}

	var nv map[string][]workflowDefSummary
	do(t, h, "GET", "/api/metadata/workflow/names-and-versions", "").want(t, 200).json(t, &nv)
	if len(nv) != 2 || len(nv["w"]) != 2 || nv["w"][1].Version != 2 || nv["w"][0].CreateTime != testNow.UnixMilli() {
		t.Errorf("names-and-versions: %+v", nv)
	}
	var latest []workflow.WorkflowDef
	do(t, h, "GET", "/api/metadata/workflow/latest-versions", "").want(t, 200).json(t, &latest)
	if len(latest) != 2 || latest[0].Name != "other" || latest[1].Version != 2 {
		t.Errorf("latest-versions: %+v", latest)
	}
	var names []string
	do(t, h, "GET", "/api/metadata/workflow/names", "").want(t, 200).json(t, &names)
	if len(names) != 2 || names[0] != "other" || names[1] != "w" {
		t.Errorf("names: %v", names)
	}
	var versions []workflowDefSummary
	do(t, h, "GET", "/api/metadata/workflow/w/versions", "").want(t, 200).json(t, &versions)
	if len(versions) != 2 {
		t.Errorf("versions: %+v", versions)
	}

	do(t, h, "DELETE", "/api/metadata/workflow/w/1", "").want(t, 200)
	do(t, h, "DELETE", "/api/metadata/workflow/w/1", "").wantError(t, 404, "w with version 1")
	do(t, h, "DELETE", "/api/metadata/workflow/w/one", "").wantError(t, 400, "version must be an integer")
	do(t, h, "GET", "/api/metadata/workflow/w?version=1", "").want(t, 404)
}

func TestWorkflowDefValidation(t *testing.T) {
	h := newServer(t, Options{Meta: openMeta(t)}).Handler()
	bad := `{"name":"w","tasks":[{"name":"a","taskReferenceName":"a","type":"NOPE","inputParameters":{"x":"${ghost.output}"}}]}`
	e := do(t, h, "POST", "/api/metadata/workflow", bad).wantError(t, 400, `unknown task type "NOPE"`, `refers to "ghost"`)
	if len(e.ValidationErrors) != 2 || e.ValidationErrors[0].Path != "tasks[0].type" {
		t.Errorf("validationErrors: %+v", e.ValidationErrors)
	}
	do(t, h, "GET", "/api/metadata/workflow/w", "").want(t, 404)

	do(t, h, "POST", "/api/metadata/workflow/validate", wfV1).want(t, 200)
	do(t, h, "POST", "/api/metadata/workflow/validate", bad).wantError(t, 400, "NOPE")
	do(t, h, "POST", "/api/metadata/workflow/validate", `{"name":"w","tasks":[]}`).wantError(t, 400, "no tasks")
	do(t, h, "GET", "/api/metadata/workflow/w", "").want(t, 404)
}

func TestWorkflowDefsBulkUpdate(t *testing.T) {
	h := newServer(t, Options{Meta: openMeta(t)}).Handler()
	do(t, h, "POST", "/api/metadata/workflow", wfV1).want(t, 200)

	var resp bulkResponse
	do(t, h, "PUT", "/api/metadata/workflow", "["+wfV1+","+wfV2+"]").want(t, 200).json(t, &resp)
	if len(resp.BulkSuccessfulResults) != 2 || len(resp.BulkErrorResults) != 0 {
		t.Errorf("bulk: %+v", resp)
	}
	var d workflow.WorkflowDef
	do(t, h, "GET", "/api/metadata/workflow/w?version=1", "").want(t, 200).json(t, &d)
	if d.CreateTime != testNow.UnixMilli() || d.UpdateTime != testNow.UnixMilli() {
		t.Errorf("upsert of an existing version must keep createTime and set updateTime: %+v", d)
	}

	// One invalid definition rejects the whole list; nothing is stored.
	r := do(t, h, "PUT", "/api/metadata/workflow", `[{"name":"n","tasks":[{"name":"a","taskReferenceName":"a"}]},{"name":"bad","tasks":[]}]`)
	r.wantError(t, http.StatusBadRequest, `"bad"`, "no tasks")
	do(t, h, "GET", "/api/metadata/workflow/n", "").want(t, 404)

	do(t, h, "PUT", "/api/metadata/workflow", `[]`).want(t, 200).json(t, &resp)
	if resp.BulkSuccessfulResults == nil || resp.BulkErrorResults == nil {
		t.Errorf("empty bulk must still have both fields: %+v", resp)
	}
}

func TestMetadataListsAreNeverNull(t *testing.T) {
	h := newServer(t, Options{Meta: openMeta(t)}).Handler()
	for _, p := range []string{"/api/metadata/taskdefs", "/api/metadata/workflow", "/api/metadata/workflow/latest-versions", "/api/metadata/workflow/names"} {
		if r := do(t, h, "GET", p, "").want(t, 200); r.Body != "[]" {
			t.Errorf("%s: %q, want []", p, r.Body)
		}
	}
	if r := do(t, h, "GET", "/api/metadata/workflow/names-and-versions", "").want(t, 200); r.Body != "{}" {
		t.Errorf("names-and-versions: %q", r.Body)
	}
}
