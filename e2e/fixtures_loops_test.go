package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/workflow"
)

// TestConductorFixturesLoops runs Conductor's integration-test workflows
// for DO_WHILE, INLINE, LAMBDA, JSON_JQ_TRANSFORM, EXCLUSIVE_JOIN and
// FORK_JOIN_DYNAMIC the way TestConductorFixtures does: workers complete
// every task they poll with {op: "op-<ref>"}, and each run must end as
// Conductor's tests expect.
//
// json_jq_transform_result_integration_test runs in TestConductorFixtureJQ.
// do_while_with_decision_task's INLINE calls $.list.get(i), Java's List
// API under GraalJS: pkg/script's list.get shim serves it. Not run here:
// do_while_sub_workflow_integration_test (runs with the sub-workflow
// fixtures) and dynamic_fork_join_integration_test (its fork list comes
// from a worker: TestDynamicForkFromWorker below does that).
func TestConductorFixturesLoops(t *testing.T) {
	srv, u := fixtureServer(t)
	cases := []struct {
		file    string
		input   string
		types   []string // worker types beyond the definition's SIMPLE tasks
		status  string
		ran     []string
		skipped []string
		check   func(t *testing.T, wf view)
	}{
		{file: "do_while_integration_test.json", input: `{"loop":2}`, status: "COMPLETED",
			ran: []string{"loopTask", "integration_task_0__1", "fork__1", "integration_task_1__1", "integration_task_2__1", "join__1",
				"integration_task_0__2", "fork__2", "integration_task_1__2", "integration_task_2__2", "join__2"},
			skipped: []string{"integration_task_0__3"},
			check: func(t *testing.T, wf view) {
				loop := wf.row("loopTask")
				if loop.Iteration != 2 || loop.OutputData["iteration"] != 2.0 {
					t.Errorf("loopTask: iteration %d output %v", loop.Iteration, loop.OutputData)
				}
				join := wf.row("join__2")
				if join.OutputData["integration_task_1__2"] == nil || join.InputData["joinOn"] == nil {
					t.Errorf("join__2 joins the second iteration's tasks: input %v output %v", join.InputData, join.OutputData)
				}
			}},
		{file: "do_while_system_tasks.json", input: `{"loop":3}`, status: "COMPLETED",
			ran: []string{"loopTask", "lambda_locs__1", "jq_add_location__1", "jq_create_hydrus_input__1",
				"lambda_locs__3", "jq_add_location__3", "jq_create_hydrus_input__3", "integration_task_1"},
			check: func(t *testing.T, wf view) {
				out, _ := json.Marshal(wf.row("jq_add_location__3").OutputData["result"])
				if string(out) != `{"out":{"locationId":"some location id"}}` {
					t.Errorf("jq_add_location__3 result %s", out)
				}
			}},
		{file: "do_while_set_variable_fix.json", input: `{}`, status: "COMPLETED",
			ran: []string{"loopTask", "set_variable__1"}, skipped: []string{"set_variable__2"},
			check: func(t *testing.T, wf view) {
				if wf.Variables["value"] != "0" {
					t.Errorf("variables %v", wf.Variables)
				}
			}},
		// Conductor's DoWhileSpec: list [1, 2], each iteration's WAIT is
		// completed from outside; ComputeNumber adds 10 to the missing
		// result.number (null + 10 = 10 in JavaScript).
		{file: "do_while_with_decision_task.json", input: `{"list":[1,2]}`, status: "COMPLETED",
			ran: []string{"LoopTask", "GetNumberAtIndex__1", "SwitchTask__1", "WaitTask__1", "ComputeNumber__1",
				"GetNumberAtIndex__2", "SwitchTask__2", "WaitTask__2", "ComputeNumber__2"},
			check: func(t *testing.T, wf view) {
				if len(wf.Tasks) != 9 || wf.row("LoopTask").Iteration != 2 {
					t.Errorf("%d tasks, loop iteration %d; want 9 and 2", len(wf.Tasks), wf.row("LoopTask").Iteration)
				}
				if r := wf.row("GetNumberAtIndex__2").OutputData["result"]; r != 2.0 {
					t.Errorf("GetNumberAtIndex__2 result %v, want list.get(1) = 2", r)
				}
				if r := wf.row("ComputeNumber__2").OutputData["result"]; r != 10.0 {
					t.Errorf("ComputeNumber__2 result %v, want 10", r)
				}
			}},
		{file: "simple_lambda_workflow_integration_test.json", input: `{"a":1}`, status: "COMPLETED", ran: []string{"lambda0"},
			check: func(t *testing.T, wf view) {
				if out, _ := json.Marshal(wf.Output); string(out) != `{"result":{"testvalue":true}}` {
					t.Errorf("output %s", out)
				}
			}},
		{file: "simple_lambda_workflow_integration_test.json", input: `{"a":2}`, status: "COMPLETED", ran: []string{"lambda0"},
			check: func(t *testing.T, wf view) {
				if out, _ := json.Marshal(wf.Output); string(out) != `{"result":{"testvalue":false}}` {
					t.Errorf("output %s", out)
				}
			}},
		{file: "exclusive_join_integration_test.json", input: `{"decision_1":"true","decision_2":"true"}`, status: "COMPLETED",
			ran: []string{"task1", "task2", "task3", "exclusiveJoin"}, skipped: []string{"task4", "task5"},
			check: func(t *testing.T, wf view) {
				if wf.row("exclusiveJoin").OutputData["op"] != "op-task3" {
					t.Errorf("exclusiveJoin output %v, want task3's", wf.row("exclusiveJoin").OutputData)
				}
			}},
		{file: "exclusive_join_integration_test.json", input: `{"decision_1":"false","decision_3":"false"}`, status: "COMPLETED",
			ran: []string{"task1", "task4", "exclusiveJoin"}, skipped: []string{"task2", "task3", "task5"},
			check: func(t *testing.T, wf view) {
				if wf.row("exclusiveJoin").OutputData["op"] != "op-task4" {
					t.Errorf("exclusiveJoin output %v, want the default task4's", wf.row("exclusiveJoin").OutputData)
				}
			}},
		{file: "dyn_fork_test.json", input: `{}`, types: []string{"simple_1", "simple_2", "simple_3"}, status: "COMPLETED",
			ran: []string{"inline_ref", "dyn_fork_ref", "simple_1", "simple_2", "simple_3", "join_1"},
			check: func(t *testing.T, wf view) {
				join := wf.row("join_1")
				if len(join.OutputData) != 3 || join.OutputData["simple_2"] == nil {
					t.Errorf("join_1 output %v, want the three forked tasks'", join.OutputData)
				}
				if wf.row("simple_1").WorkflowTask == nil {
					t.Errorf("forked task simple_1 has no workflowTask")
				}
			}},
	}
	var ids []string
	registered := map[string]*workflow.WorkflowDef{}
	for _, c := range cases {
		def := registered[c.file]
		if def == nil {
			def = registerFixture(t, u, c.file, c.types...)
			registered[c.file] = def
		}
		wf := runFixture(t, u, def, c.file, c.input, c.types, c.status, c.ran)
		ids = append(ids, wf.WorkflowID)
		for _, ref := range c.skipped {
			if wf.row(ref).ReferenceTaskName != "" {
				t.Errorf("%s %s: %s ran", c.file, c.input, ref)
			}
		}
		if c.check != nil && !t.Failed() {
			c.check(t, wf)
		}
	}
	checkReplay(t, testCtx(t, time.Minute), srv, ids)
}

// runFixture starts a registered fixture with input, drives it with
// workers of its SIMPLE types and extraTypes, and checks its end status and
// that the refs in ran ran.
func runFixture(t *testing.T, u string, def *workflow.WorkflowDef, file, input string, extraTypes []string, status string, ran []string) view {
	t.Helper()
	id := string(do(t, "POST", u+"/workflow/"+def.Name+"?version=1", input).want(t, 200).body)
	driveFixture(t, u, id, append(workerTypes(def), extraTypes...))
	wf := readWorkflow(t, u, id)
	if wf.Status != status {
		t.Errorf("%s %s: %s (%q), want %s", file, input, wf.Status, wf.ReasonForIncompletion, status)
	}
	for _, ref := range ran {
		if wf.row(ref).ReferenceTaskName == "" {
			t.Errorf("%s %s: %s did not run", file, input, ref)
		}
	}
	return wf
}

// TestDynamicForkFromWorker runs Conductor's
// dynamic_fork_join_integration_test: a worker returns the tasks to fork
// and their inputs, the FORK_JOIN_DYNAMIC forks them, the JOIN waits for
// them and the workflow goes on.
func TestDynamicForkFromWorker(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(conductorFixtures, "dynamic_fork_join_integration_test.json"))
	if err != nil {
		t.Skipf("Conductor fixtures not found at %s (shared/reference beside the repository): %v", conductorFixtures, err)
	}
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/taskdefs", `[{"name":"integration_task_2","retryCount":0},{"name":"integration_task_3","retryCount":0}]`).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", raw).want(t, 200)
	var def workflow.WorkflowDef
	if err := json.Unmarshal(raw, &def); err != nil {
		t.Fatal(err)
	}
	id := string(do(t, "POST", u+"/workflow/"+def.Name, `{"param1":"p1","param2":"p2"}`).want(t, 200).body)
	types := []string{"integration_task_1", "integration_task_2", "integration_task_3", "integration_task_4"}
	wf := runWorkers(t, u, id, types, 30*time.Second, func(tk *api.Task) map[string]any {
		switch tk.ReferenceTaskName {
		case "dt1":
			return map[string]any{
				"dynamicTasks": []any{
					map[string]any{"name": "integration_task_2", "taskReferenceName": "xdt1"},
					map[string]any{"name": "integration_task_3", "taskReferenceName": "xdt2"},
				},
				"dynamicTasksInput": map[string]any{"xdt1": map[string]any{"k1": "v1"}, "xdt2": map[string]any{"k2": "v2"}},
			}
		case "xdt1", "xdt2":
			return map[string]any{"got": tk.InputData}
		}
		return map[string]any{"op": "op-" + tk.ReferenceTaskName}
	})
	if wf.Status != "COMPLETED" {
		t.Fatalf("workflow %s: %s %q", id, wf.Status, wf.ReasonForIncompletion)
	}
	full := readWorkflow(t, u, id)
	join := full.row("dynamicfanouttask_join")
	x1, _ := join.OutputData["xdt1"].(map[string]any)
	got, _ := x1["got"].(map[string]any)
	if got["k1"] != "v1" || join.OutputData["xdt2"] == nil || full.row("task4").Status != "COMPLETED" {
		t.Errorf("join output %v, task4 %q", join.OutputData, full.row("task4").Status)
	}
	if fork := full.row("dynamicfanouttask"); fork.TaskType != "FORK" {
		t.Errorf("dynamic fork row type %q, want FORK", fork.TaskType)
	}
	checkReplay(t, testCtx(t, time.Minute), srv, []string{id})
}

// TestConductorFixtureJQ runs Conductor's
// json_jq_transform_result_integration_test: a JQ result picks a DECISION
// case, a nested DECISION's caseExpression reads another JQ result, and
// one path ends in an HTTP task, which calls a local server (a modified
// copy of the definition) instead of datausa.io.
func TestConductorFixtureJQ(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(conductorFixtures, "json_jq_transform_result_integration_test.json"))
	if err != nil {
		t.Skipf("Conductor fixtures not found at %s (shared/reference beside the repository): %v", conductorFixtures, err)
	}
	population := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"data":[{"Nation":"United States","Population":331893745}]}`))
	}))
	defer population.Close()
	raw = []byte(strings.ReplaceAll(string(raw), "https://datausa.io/api/data", population.URL+"/api/data"))

	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/workflow", raw).want(t, 200)
	cases := []struct {
		input   string
		ran     []string
		skipped []string
	}{
		{input: `{"requestedAction":"redeliver"}`, ran: []string{"json_jq_1", "decide_1", "json_jq_2", "decide_2"}, skipped: []string{"get_population_data"}},
		{input: `{"requestedAction":"archive"}`, ran: []string{"json_jq_1", "decide_1", "json_jq_2", "decide_2", "get_population_data"}},
	}
	var ids []string
	for _, c := range cases {
		id := string(do(t, "POST", u+"/workflow/json_jq_transform_result_wf?version=1", c.input).want(t, 200).body)
		ids = append(ids, id)
		var wf view
		await(t, 10*time.Second, func() bool { wf = readWorkflow(t, u, id); return ended(wf) })
		if wf.Status != "COMPLETED" {
			t.Fatalf("%s: %s %q", c.input, wf.Status, wf.ReasonForIncompletion)
		}
		wf.checkRan(t, c.input, c.ran, c.skipped)
		if r := wf.row("json_jq_2").OutputData["result"]; fmt.Sprint(r) != "[redeliver redeliver_from_validation_error redelivery]" {
			t.Errorf("%s: json_jq_2 result %v", c.input, r)
		}
		if http := wf.row("get_population_data"); http.ReferenceTaskName != "" {
			resp, _ := http.OutputData["response"].(map[string]any)
			if resp["statusCode"] != 200.0 {
				t.Errorf("HTTP task output %v", http.OutputData)
			}
		}
	}
	checkReplay(t, testCtx(t, time.Minute), srv, ids)
}

// TestConductorFixtureTaskIDOnRetries runs Conductor's
// cpewf_task_id_dyn_fork_wf as its e2e test does: an INLINE builds a
// dynamic fork of fail_on_purpose whose input task_id is
// ${CPEWF_TASK_ID}, a worker fails every attempt, and each of the three
// attempts (the task definition allows 2 retries) must see its own task
// id. The fixture's task definition (cpewf_task_id_dyn_fork_task_def.json)
// is not among the copied fixtures; this registers its equivalent.
func TestConductorFixtureTaskIDOnRetries(t *testing.T) {
	srv, u := fixtureServer(t)
	def := registerFixture(t, u, "cpewf_task_id_dyn_fork_wf.json")
	do(t, "POST", u+"/metadata/taskdefs", `[{"name":"fail_on_purpose","retryCount":2,"retryLogic":"FIXED","retryDelaySeconds":0}]`).want(t, 200)
	id := string(do(t, "POST", u+"/workflow/"+def.Name+"?version="+fmt.Sprint(def.Version), `{}`).want(t, 200).body)

	wf := httpWorker{id: "fx", types: []string{"fail_on_purpose"}, batch: 5, waitMs: 100, answer: func(*api.Task) (string, map[string]any) {
		return "FAILED", map[string]any{"message": "Failing task on purpose"}
	}}.drive(t, u, id, 30*time.Second)
	if wf.Status != "FAILED" {
		t.Fatalf("workflow %s: %s, want FAILED", id, wf.Status)
	}
	attempts := 0
	for _, tk := range wf.Tasks {
		if tk.ReferenceTaskName != "fail_on_purpose_ref" {
			continue
		}
		attempts++
		if tk.InputData["task_id"] != tk.TaskID {
			t.Errorf("attempt %s has input task_id %v", tk.TaskID, tk.InputData["task_id"])
		}
	}
	if attempts != 3 {
		t.Errorf("%d attempts of fail_on_purpose, want 3", attempts)
	}
	checkReplay(t, testCtx(t, time.Minute), srv, []string{id})
}
