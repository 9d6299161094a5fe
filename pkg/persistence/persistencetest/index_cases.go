package persistencetest

import (
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/persistence"
)

func testTaskIndex(t *testing.T, s Stores) {
	ctx := t.Context()
	commit(t, s.Exec, &persistence.Batch{PutTaskIndex: []persistence.TaskIndex{
		{TaskID: "t1", WorkflowID: "w1"},
		{TaskID: "t10", WorkflowID: "w10"},
	}})
	for task, want := range map[string]string{"t1": "w1", "t10": "w10"} {
		got, err := s.Exec.TaskWorkflow(ctx, task)
		if err != nil {
			t.Fatalf("TaskWorkflow(%s): %v", task, err)
		}
		equal(t, "TaskWorkflow("+task+")", got, want)
	}

	commit(t, s.Exec, &persistence.Batch{DelTaskIndex: []string{"t1"}})
	_, err := s.Exec.TaskWorkflow(ctx, "t1")
	notFound(t, "TaskWorkflow after delete", err)
	got, err := s.Exec.TaskWorkflow(ctx, "t10")
	if err != nil || got != "w10" {
		t.Errorf("TaskWorkflow(t10) after deleting t1 = %q, %v; want w10", got, err)
	}
}

func correlated(t *testing.T, s persistence.ExecutionStore, name, cid string) []string {
	t.Helper()
	ids, err := s.Correlated(t.Context(), name, cid)
	if err != nil {
		t.Fatalf("Correlated(%s, %s): %v", name, cid, err)
	}
	return ids
}

func testCorrelation(t *testing.T, s Stores) {
	// Names and ids that are prefixes of each other must stay apart.
	ix := []persistence.WorkflowIndex{
		{Name: "order", Version: 1, Key: "c1", WorkflowID: "w1"},
		{Name: "order", Version: 2, Key: "c1", WorkflowID: "w2"},
		{Name: "order", Version: 1, Key: "c10", WorkflowID: "w3"},
		{Name: "order1", Version: 1, Key: "c1", WorkflowID: "w4"},
		{Name: "ship", Version: 1, Key: "c1", WorkflowID: "w5"},
	}
	commit(t, s.Exec, &persistence.Batch{PutCorrelation: ix})
	sameIDs(t, "order/c1", correlated(t, s.Exec, "order", "c1"), []string{"w1", "w2"})
	sameIDs(t, "order/c10", correlated(t, s.Exec, "order", "c10"), []string{"w3"})
	sameIDs(t, "order1/c1", correlated(t, s.Exec, "order1", "c1"), []string{"w4"})
	sameIDs(t, "ship/c1", correlated(t, s.Exec, "ship", "c1"), []string{"w5"})
	sameIDs(t, "order/c2", correlated(t, s.Exec, "order", "c2"), nil)

	commit(t, s.Exec, &persistence.Batch{DelCorrelation: ix[:1]})
	sameIDs(t, "order/c1 after delete", correlated(t, s.Exec, "order", "c1"), []string{"w2"})
	sameIDs(t, "ship/c1 after delete", correlated(t, s.Exec, "ship", "c1"), []string{"w5"})
}

func running(t *testing.T, s persistence.ExecutionStore, name string, version int) []string {
	t.Helper()
	ids, err := s.Running(t.Context(), name, version)
	if err != nil {
		t.Fatalf("Running(%s, %d): %v", name, version, err)
	}
	return ids
}

func testRunning(t *testing.T, s Stores) {
	// Versions 1 and 257 differ only in the second byte.
	ix := []persistence.WorkflowIndex{
		{Name: "order", Version: 1, WorkflowID: "w1"},
		{Name: "order", Version: 1, WorkflowID: "w2"},
		{Name: "order", Version: 257, WorkflowID: "w3"},
		{Name: "order", Version: 2, WorkflowID: "w4"},
		{Name: "order1", Version: 1, WorkflowID: "w5"},
	}
	commit(t, s.Exec, &persistence.Batch{PutRunning: ix})
	sameIDs(t, "order v1", running(t, s.Exec, "order", 1), []string{"w1", "w2"})
	sameIDs(t, "order v257", running(t, s.Exec, "order", 257), []string{"w3"})
	sameIDs(t, "order v2", running(t, s.Exec, "order", 2), []string{"w4"})
	sameIDs(t, "order1 v1", running(t, s.Exec, "order1", 1), []string{"w5"})
	sameIDs(t, "order v3", running(t, s.Exec, "order", 3), nil)

	commit(t, s.Exec, &persistence.Batch{DelRunning: []persistence.WorkflowIndex{ix[1], ix[4]}})
	sameIDs(t, "order v1 after delete", running(t, s.Exec, "order", 1), []string{"w1"})
	sameIDs(t, "order1 v1 after delete", running(t, s.Exec, "order1", 1), nil)
	sameIDs(t, "order v257 after delete", running(t, s.Exec, "order", 257), []string{"w3"})
}

func taskLogs(t *testing.T, s persistence.ExecutionStore, taskID string) []api.TaskExecLog {
	t.Helper()
	logs, err := s.TaskLogs(t.Context(), taskID)
	if err != nil {
		t.Fatalf("TaskLogs(%s): %v", taskID, err)
	}
	return nilIfEmpty(logs)
}

func testTaskLogs(t *testing.T, s Stores) {
	line := func(task, log string, at int64) api.TaskExecLog {
		return api.TaskExecLog{TaskID: task, Log: log, CreatedTime: at}
	}
	commit(t, s.Exec, &persistence.Batch{TaskLogs: []api.TaskExecLog{
		line("t1", "c", 300), line("t1", "a", 100), line("t10", "x", 50),
	}})
	commit(t, s.Exec, &persistence.Batch{TaskLogs: []api.TaskExecLog{
		line("t1", "b", 256), line("t1", "d", 1_700_000_000_000),
	}})
	equal(t, "t1 oldest first", taskLogs(t, s.Exec, "t1"), []api.TaskExecLog{
		line("t1", "a", 100), line("t1", "b", 256), line("t1", "c", 300), line("t1", "d", 1_700_000_000_000),
	})
	equal(t, "t10", taskLogs(t, s.Exec, "t10"), []api.TaskExecLog{line("t10", "x", 50)})

	commit(t, s.Exec, &persistence.Batch{DelTaskLogs: []string{"t1"}})
	equal(t, "t1 after delete", taskLogs(t, s.Exec, "t1"), []api.TaskExecLog(nil))
	equal(t, "t10 after deleting t1", taskLogs(t, s.Exec, "t10"), []api.TaskExecLog{line("t10", "x", 50)})

	commit(t, s.Exec, &persistence.Batch{TaskLogs: []api.TaskExecLog{line("t1", "e", 10)}})
	equal(t, "t1 after delete and append", taskLogs(t, s.Exec, "t1"), []api.TaskExecLog{line("t1", "e", 10)})
}
