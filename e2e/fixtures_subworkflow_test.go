package e2e

import (
	"testing"
	"time"
)

// TestConductorFixturesSubWorkflows runs Conductor's integration-test
// workflows with SUB_WORKFLOW tasks the way TestConductorFixtures does:
// an inline child definition, optional sub-workflows in fork branches,
// and a sub-workflow in a DO_WHILE body beside a fork. Their children
// name "sub_workflow", simple_one_task_sub_workflow_integration_test.
func TestConductorFixturesSubWorkflows(t *testing.T) {
	srv, u := fixtureServer(t)
	child := registerFixture(t, u, "simple_one_task_sub_workflow_integration_test.json")
	childTypes := workerTypes(child)
	cases := []struct {
		file   string
		input  string
		types  []string // worker types beyond the definition's SIMPLE tasks
		status string
		ran    []string
		check  func(t *testing.T, u string, wf view)
	}{
		{file: "simple_workflow_with_sub_workflow_inline_def_integration_test.json", input: `{"param1":"p1","param2":"p2"}`,
			types: []string{"integration_task_3"}, status: "COMPLETED", ran: []string{"t1", "swt", "t2"},
			check: func(t *testing.T, u string, wf view) {
				swt := wf.row("swt")
				if swt.OutputData["op"] != "op-t3" || swt.OutputData["subWorkflowId"] == nil {
					t.Errorf("swt output %v, want the inline child's op-t3", swt.OutputData)
				}
				if wf.Output["o3"] != "op-t1" {
					t.Errorf("output %v", wf.Output)
				}
			}},
		{file: "fork_join_with_optional_sub_workflow_forks_integration_test.json", input: `{"param1":"p1","param2":"p2"}`,
			types: childTypes, status: "COMPLETED", ran: []string{"fanouttask", "st1", "st2", "fanouttask_join"},
			check: func(t *testing.T, u string, wf view) {
				join := wf.row("fanouttask_join")
				if join.Status != "COMPLETED" || join.OutputData["st1"] == nil || join.OutputData["st2"] == nil {
					t.Errorf("join %s output %v", join.Status, join.OutputData)
				}
			}},
		{file: "do_while_sub_workflow_integration_test.json", input: `{"loop":2}`,
			types: childTypes, status: "COMPLETED",
			ran: []string{"loopTask", "integration_task_0__1", "fork__1", "integration_task_1__1", "integration_task_2__1", "join__1", "st1__1",
				"integration_task_0__2", "join__2", "st1__2"},
			check: func(t *testing.T, u string, wf view) {
				loop := wf.row("loopTask")
				if loop.Iteration != 2 || loop.Status != "COMPLETED" {
					t.Errorf("loopTask: %s iteration %d", loop.Status, loop.Iteration)
				}
				if wf.row("st1__2").OutputData["subWorkflowId"] == nil {
					t.Errorf("st1__2 output %v", wf.row("st1__2").OutputData)
				}
			}},
	}
	var ids []string
	for _, c := range cases {
		def := registerFixture(t, u, c.file, c.types...)
		wf := runFixture(t, u, def, c.file, c.input, c.types, c.status, c.ran)
		ids = append(ids, wf.WorkflowID)
		if c.check != nil && !t.Failed() {
			c.check(t, u, wf)
		}
	}
	checkReplay(t, testCtx(t, time.Minute), srv, ids)
}
