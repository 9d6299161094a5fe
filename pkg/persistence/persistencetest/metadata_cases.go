package persistencetest

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/legatohq/legato/pkg/persistence"
	"github.com/legatohq/legato/pkg/workflow"
)

func taskDef(name string, timeout int64) *workflow.TaskDef {
	retries := 3
	return &workflow.TaskDef{
		Name:           name,
		RetryCount:     &retries,
		TimeoutSeconds: timeout,
		InputKeys:      []string{"a", "b"},
		OwnerEmail:     "ops@example.com",
	}
}

func workflowDef(name string, version int) *workflow.WorkflowDef {
	return &workflow.WorkflowDef{
		Name:    name,
		Version: version,
		Tasks: []*workflow.WorkflowTask{
			{Name: "charge", TaskReferenceName: "charge_ref", Type: "SIMPLE"},
		},
		SchemaVersion:  2,
		TimeoutSeconds: int64(version),
	}
}

func testTaskDefs(t *testing.T, s Stores) {
	ctx := t.Context()
	if err := s.Meta.PutTaskDefs(ctx, []*workflow.TaskDef{taskDef("charge", 10), taskDef("ship", 20), taskDef("charge1", 30)}); err != nil {
		t.Fatalf("PutTaskDefs: %v", err)
	}
	// Replace one, leave the others.
	if err := s.Meta.PutTaskDefs(ctx, []*workflow.TaskDef{taskDef("charge", 11)}); err != nil {
		t.Fatalf("PutTaskDefs again: %v", err)
	}
	got, err := s.Meta.TaskDef(ctx, "charge")
	if err != nil {
		t.Fatalf("TaskDef(charge): %v", err)
	}
	equal(t, "TaskDef(charge) replaced", got, taskDef("charge", 11))

	all, err := s.Meta.TaskDefs(ctx)
	if err != nil {
		t.Fatalf("TaskDefs: %v", err)
	}
	slices.SortFunc(all, func(a, b *workflow.TaskDef) int { return strings.Compare(a.Name, b.Name) })
	equal(t, "TaskDefs", all, []*workflow.TaskDef{taskDef("charge", 11), taskDef("charge1", 30), taskDef("ship", 20)})

	if err := s.Meta.DeleteTaskDef(ctx, "charge"); err != nil {
		t.Fatalf("DeleteTaskDef(charge): %v", err)
	}
	_, err = s.Meta.TaskDef(ctx, "charge")
	notFound(t, "TaskDef after delete", err)
	notFound(t, "DeleteTaskDef of a deleted def", s.Meta.DeleteTaskDef(ctx, "charge"))
	notFound(t, "DeleteTaskDef of an absent def", s.Meta.DeleteTaskDef(ctx, "never"))
	if got, err := s.Meta.TaskDef(ctx, "charge1"); err != nil || got.TimeoutSeconds != 30 {
		t.Errorf("TaskDef(charge1) after deleting charge = %v, %v", got, err)
	}
}

func sortDefs(defs []*workflow.WorkflowDef) []*workflow.WorkflowDef {
	defs = slices.Clone(defs)
	slices.SortFunc(defs, func(a, b *workflow.WorkflowDef) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), cmp.Compare(a.Version, b.Version))
	})
	return defs
}

func testWorkflowDefs(t *testing.T, s Stores) {
	ctx := t.Context()
	if err := s.Meta.CreateWorkflowDef(ctx, workflowDef("order", 1)); err != nil {
		t.Fatalf("CreateWorkflowDef(order v1): %v", err)
	}
	changed := workflowDef("order", 1)
	changed.Description = "changed"
	err := s.Meta.CreateWorkflowDef(ctx, changed)
	if !errors.Is(err, persistence.ErrConflict) {
		t.Errorf("CreateWorkflowDef of an existing version: err = %v, want ErrConflict", err)
	}
	got, err := s.Meta.WorkflowDef(ctx, "order", 1)
	if err != nil {
		t.Fatalf("WorkflowDef(order, 1): %v", err)
	}
	equal(t, "def after conflicting create", got, workflowDef("order", 1))

	if err := s.Meta.PutWorkflowDef(ctx, changed); err != nil {
		t.Fatalf("PutWorkflowDef(order v1): %v", err)
	}
	if err := s.Meta.PutWorkflowDef(ctx, workflowDef("order", 2)); err != nil {
		t.Fatalf("PutWorkflowDef(order v2) creating: %v", err)
	}
	if err := s.Meta.CreateWorkflowDef(ctx, workflowDef("ship", 1)); err != nil {
		t.Fatalf("CreateWorkflowDef(ship v1): %v", err)
	}
	got, err = s.Meta.WorkflowDef(ctx, "order", 1)
	if err != nil {
		t.Fatalf("WorkflowDef(order, 1): %v", err)
	}
	equal(t, "def after put", got, changed)

	all, err := s.Meta.WorkflowDefs(ctx)
	if err != nil {
		t.Fatalf("WorkflowDefs: %v", err)
	}
	equal(t, "WorkflowDefs", sortDefs(all), []*workflow.WorkflowDef{changed, workflowDef("order", 2), workflowDef("ship", 1)})

	if err := s.Meta.DeleteWorkflowDef(ctx, "order", 1); err != nil {
		t.Fatalf("DeleteWorkflowDef(order, 1): %v", err)
	}
	_, err = s.Meta.WorkflowDef(ctx, "order", 1)
	notFound(t, "WorkflowDef after delete", err)
	notFound(t, "DeleteWorkflowDef again", s.Meta.DeleteWorkflowDef(ctx, "order", 1))
	notFound(t, "DeleteWorkflowDef of an absent version", s.Meta.DeleteWorkflowDef(ctx, "order", 7))
	notFound(t, "DeleteWorkflowDef of an absent name", s.Meta.DeleteWorkflowDef(ctx, "never", 1))
	_, err = s.Meta.WorkflowDef(ctx, "order", 7)
	notFound(t, "WorkflowDef of an absent version", err)

	// A deleted version may be created again.
	if err := s.Meta.CreateWorkflowDef(ctx, workflowDef("order", 1)); err != nil {
		t.Fatalf("CreateWorkflowDef after delete: %v", err)
	}
}

func testWorkflowDefLatest(t *testing.T, s Stores) {
	ctx := t.Context()
	// 10 > 9 and 256 > 255 numerically but not as strings or low bytes;
	// "order1" and "orde" share prefixes with "order".
	for _, d := range []*workflow.WorkflowDef{
		workflowDef("order", 9), workflowDef("order", 256), workflowDef("order", 10),
		workflowDef("order", 255), workflowDef("order1", 1000), workflowDef("orde", 2000),
	} {
		if err := s.Meta.PutWorkflowDef(ctx, d); err != nil {
			t.Fatalf("PutWorkflowDef(%s v%d): %v", d.Name, d.Version, err)
		}
	}
	latest := func(name string) int {
		t.Helper()
		d, err := s.Meta.WorkflowDef(ctx, name, 0)
		if err != nil {
			t.Fatalf("WorkflowDef(%s, 0): %v", name, err)
		}
		return d.Version
	}
	equal(t, "latest order", latest("order"), 256)
	equal(t, "latest order1", latest("order1"), 1000)
	equal(t, "latest orde", latest("orde"), 2000)

	if err := s.Meta.DeleteWorkflowDef(ctx, "order", 256); err != nil {
		t.Fatalf("DeleteWorkflowDef(order, 256): %v", err)
	}
	equal(t, "latest order after deleting 256", latest("order"), 255)
}
