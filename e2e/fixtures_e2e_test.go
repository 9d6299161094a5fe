package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/workflow"
)

// conductorFixtures is Conductor's own test workflows, kept beside the
// repository in shared/reference (relative to this package's directory,
// e2e/ at the repository root).
var conductorFixtures = filepath.Join("..", "..", "shared", "reference", "conductor-fixtures")

// TestConductorFixtures runs Conductor's integration-test workflows that
// use only the task types Legato runs today (SIMPLE, SWITCH, FORK_JOIN,
// JOIN, TERMINATE, WAIT, SET_VARIABLE): workers complete every task they
// poll, WAIT tasks are completed by reference name, and each run must end
// with the status Conductor's tests expect.
func TestConductorFixtures(t *testing.T) {
	srv, u := fixtureServer(t)
	cases := []struct {
		file    string
		input   string
		status  string
		ran     []string // refs that must have run
		skipped []string // refs that must not have run
		output  map[string]any
	}{
		{file: "simple_switch_task_integration_test.json", input: `{"case":"c","param1":"p1","param2":"p2"}`,
			status: "COMPLETED", ran: []string{"switchTask", "t1", "t2", "t20"}, skipped: []string{"t5"}},
		{file: "simple_switch_task_integration_test.json", input: `{"case":"zz","param1":"p1"}`,
			status: "COMPLETED", ran: []string{"switchTask", "t5", "t20"}, skipped: []string{"t1", "t2"}},
		{file: "switch_with_no_default_case_integration_test.json", input: `{"case":"nomatch"}`,
			status: "COMPLETED", ran: []string{"switchTask", "t2"}, skipped: []string{"t1"}},
		{file: "fork_join_integration_test.json", input: `{"param1":"p1","param2":"p2"}`,
			status: "COMPLETED", ran: []string{"fanouttask", "t1", "t2", "t3", "fanouttask_join", "t4"}},
		{file: "switch_and_terminate_integration_test.json", input: `{"case":"one","param1":"p1","param2":"p2"}`,
			status: "COMPLETED", ran: []string{"t1", "switch", "t2", "t3"}, skipped: []string{"terminate0"},
			output: map[string]any{"o2": "op-t3"}},
		{file: "switch_and_terminate_integration_test.json", input: `{"case":"two","param1":"p1","param2":"p2"}`,
			status: "FAILED", ran: []string{"t1", "switch", "terminate0"}, skipped: []string{"t2", "t3"},
			output: map[string]any{"output": "op-t1"}},
		{file: "simple_wait_task_workflow_integration_test.json", input: `{}`,
			status: "COMPLETED", ran: []string{"wait0", "t1"}},
		{file: "set_variable_workflow_integration_test.json", input: `{"var":"v1"}`,
			status: "COMPLETED", ran: []string{"simple", "set_variable_1", "wait0"},
			output: map[string]any{"variables": map[string]any{"var": "v1"}}},
		{file: "simple_workflow_1_integration_test.json", input: `{"param1":"p1","param2":"p2"}`,
			status: "COMPLETED", ran: []string{"t1", "t2"},
			output: map[string]any{"o1": "p1", "o2": nil, "o3": "op-t1"}},
		{file: "simple_workflow_1_input_template_integration_test.json", input: `{"param2":["mine"]}`,
			status: "COMPLETED", ran: []string{"t1"},
			output: map[string]any{"output": "op-t1", "param1": map[string]any{"nested_object": map[string]any{"nested_key": "nested_value"}},
				"param2": []any{"mine"}, "param3": "string"}},
		{file: "simple_workflow_with_optional_task_integration_test.json", input: `{"param1":"p1"}`,
			status: "COMPLETED", ran: []string{"t1", "t2"}, output: map[string]any{"o1": "p1", "o2": nil, "o3": "op-t1"}},
		// Its failure path (a permissive failure fails the workflow at the
		// end) waits out a 60 s retry delay: pkg/decider/testdata/permissive.txt.
		{file: "simple_workflow_with_permissive_task_integration_test.json", input: `{"param1":"p1","param2":"p2"}`,
			status: "COMPLETED", ran: []string{"t1", "t2"}, output: map[string]any{"o1": "p1", "o2": nil, "o3": "op-t1"}},
		{file: "simple_decision_task_integration_test.json", input: `{"case":"c","param1":"p1"}`,
			status: "COMPLETED", ran: []string{"decisionTask", "t1", "t2", "t20"}, skipped: []string{"t5"}},
		{file: "simple_decision_task_integration_test.json", input: `{"case":"x","param1":"p1"}`,
			status: "COMPLETED", ran: []string{"decisionTask", "t5", "t20"}, skipped: []string{"t1", "t2"}},
		{file: "conditional_task_workflow_integration_test.json", input: `{"param1":"nested","param2":"two","finalCase":"notify"}`,
			status: "COMPLETED", ran: []string{"conditional", "nestedCondition", "t2", "finalCase", "integration_task_4"}, skipped: []string{"t1", "t3", "t10"}},
		{file: "conditional_task_workflow_integration_test.json", input: `{"param1":"other"}`,
			status: "COMPLETED", ran: []string{"conditional", "t10", "finalCase"}, skipped: []string{"t3", "integration_task_4"}},
		{file: "conditional_flow_with_switch.json", input: `{"param1":"nested","param2":"one"}`,
			status: "COMPLETED", ran: []string{"conditional", "conditional2", "t1", "t3", "tf"}, skipped: []string{"t2", "t31", "t21", "junit_task_4"}},
		{file: "conditional_flow_with_switch.json", input: `{"param1":"nested","param2":"zzz"}`,
			status: "COMPLETED", ran: []string{"conditional", "conditional2", "tf"}, skipped: []string{"t1", "t2"}},
	}
	var ids []string
	registered := map[string]*workflow.WorkflowDef{}
	for _, c := range cases {
		def := registered[c.file]
		if def == nil {
			def = registerFixture(t, u, c.file)
			registered[c.file] = def
		}
		id := string(do(t, "POST", u+"/workflow/"+def.Name+"?version=1", c.input).want(t, 200).body)
		ids = append(ids, id)
		wf := driveFixture(t, u, id, workerTypes(def))
		if wf.Status != c.status {
			t.Errorf("%s %s: %s (%q), want %s", c.file, c.input, wf.Status, wf.ReasonForIncompletion, c.status)
		}
		ran := map[string]bool{}
		for _, tk := range wf.Tasks {
			ran[tk.ReferenceTaskName] = true
		}
		for _, ref := range c.ran {
			if !ran[ref] {
				t.Errorf("%s %s: %s did not run (ran %v)", c.file, c.input, ref, ran)
			}
		}
		for _, ref := range c.skipped {
			if ran[ref] {
				t.Errorf("%s %s: %s ran", c.file, c.input, ref)
			}
		}
		if c.output != nil {
			got, _ := json.Marshal(wf.Output)
			want, _ := json.Marshal(c.output)
			if string(got) != string(want) {
				t.Errorf("%s %s: output %s, want %s", c.file, c.input, got, want)
			}
		}
	}
	checkReplay(t, testCtx(t, time.Minute), srv, ids)
}

// fixtureServer starts a server for a fixture test, or skips the test
// when the fixtures are not beside the repository (a user's clone).
func fixtureServer(t *testing.T) (*server, string) {
	t.Helper()
	if _, err := os.Stat(conductorFixtures); err != nil {
		t.Skipf("Conductor fixtures not found at %s (shared/reference beside the repository): %v", conductorFixtures, err)
	}
	srv := startServer(t, "")
	return srv, srv.URL + "/api"
}

// registerFixture registers a Conductor fixture and task definitions (no
// retries) for its worker task types and extra ones. Two fixtures share a
// name, so it overwrites; each run keeps the definition it started with.
func registerFixture(t *testing.T, u, file string, extraTypes ...string) *workflow.WorkflowDef {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(conductorFixtures, file))
	if err != nil {
		t.Fatal(err)
	}
	def := &workflow.WorkflowDef{}
	if err := json.Unmarshal(raw, def); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	var tds []map[string]any
	for _, name := range append(workerTypes(def), extraTypes...) {
		tds = append(tds, map[string]any{"name": name, "retryCount": 0})
	}
	if len(tds) > 0 {
		do(t, "POST", u+"/metadata/taskdefs", tds).want(t, 200)
	}
	do(t, "POST", u+"/metadata/workflow?overwrite=true", raw).want(t, 200)
	return def
}

// workerTypes lists the SIMPLE task names of a definition, nested ones too.
func workerTypes(def *workflow.WorkflowDef) []string {
	var names []string
	workflow.Walk(def.Tasks, func(_ string, wt *workflow.WorkflowTask) {
		if (wt.Type == "" || wt.Type == workflow.TaskTypeSimple) && !slices.Contains(names, wt.Name) {
			names = append(names, wt.Name)
		}
	})
	return names
}
