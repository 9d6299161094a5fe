package e2e

import (
	"strings"
	"testing"

	"github.com/legatohq/legato/pkg/api"
)

// view is a workflow as the tests read it: pkg/api's Workflow with its
// Tasks, plus the lookups the tests make by reference name. Every test
// reads this one type, so the server's answer is decoded the way a Go
// client decodes it and no test carries a partial copy of the fields.
type view struct{ api.Workflow }

// readWorkflow reads a workflow with its tasks over HTTP, as a Conductor
// client does.
func readWorkflow(t *testing.T, u, id string) view {
	t.Helper()
	var wf view
	do(t, "GET", u+"/workflow/"+id, nil).want(t, 200).json(t, &wf)
	return wf
}

// ended reports whether the workflow has reached a terminal status.
func ended(wf view) bool { return api.WorkflowTerminal(wf.Status) }

// row is the latest row of ref (the retry or the last iteration), or a
// zero row when ref has none, so checks read its fields without a nil test.
func (wf view) row(ref string) *api.Task {
	for i := len(wf.Tasks) - 1; i >= 0; i-- {
		if wf.Tasks[i].ReferenceTaskName == ref {
			return wf.Tasks[i]
		}
	}
	return &api.Task{}
}

// rows lists the workflow's rows as ref:STATUS, in seq order.
func (wf view) rows() string {
	var out []string
	for _, tk := range wf.Tasks {
		out = append(out, tk.ReferenceTaskName+":"+tk.Status)
	}
	return strings.Join(out, " ")
}

// checkRan checks that the refs in ran have rows and those in skipped
// have none.
func (wf view) checkRan(t *testing.T, label string, ran, skipped []string) {
	t.Helper()
	for _, ref := range ran {
		if wf.row(ref).ReferenceTaskName == "" {
			t.Errorf("%s: %s did not run", label, ref)
		}
	}
	for _, ref := range skipped {
		if wf.row(ref).ReferenceTaskName != "" {
			t.Errorf("%s: %s ran", label, ref)
		}
	}
}
