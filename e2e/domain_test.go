package e2e

import (
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
)

// TestTaskToDomainActiveWorker: a taskToDomain list picks the first domain
// whose queue a worker polled in the last 10 s, else the last one; the
// task is offered only in the picked domain.
func TestTaskToDomainActiveWorker(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/taskdefs", `[{"name":"dm_task","retryCount":0}]`).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", `{"name":"dm_flow","version":1,"tasks":[{"name":"dm_task","taskReferenceName":"t"}]}`).want(t, 200)
	start := func() string {
		return string(do(t, "POST", u+"/workflow", map[string]any{"name": "dm_flow",
			"taskToDomain": map[string]string{"dm_task": "east,west"}}).want(t, 200).body)
	}
	poll := func(domain string) []*api.Task {
		var tasks []*api.Task
		do(t, "GET", u+"/tasks/poll/batch/dm_task?workerid=dm&count=5&timeout=200&domain="+domain, nil).want(t, 200).json(t, &tasks)
		return tasks
	}

	// Nobody has polled: the last domain of the list.
	first := start()
	if got := poll("east"); len(got) != 0 {
		t.Fatalf("east got %v before anyone polled it", got)
	}
	if got := poll("west"); len(got) != 1 || got[0].WorkflowInstanceID != first {
		t.Fatalf("west polled %v, want the first workflow's task", got)
	}
	// east was polled just now (above): the next start picks it.
	second := start()
	if got := poll("east"); len(got) != 1 || got[0].WorkflowInstanceID != second {
		t.Fatalf("east polled %v, want the second workflow's task", got)
	}
	wf := readWorkflow(t, u, second)
	if len(wf.Tasks) != 1 || wf.Tasks[0].Domain != "east" {
		t.Errorf("second workflow's task: %+v", wf.Tasks)
	}
	checkReplay(t, testCtx(t, time.Minute), srv, []string{first, second})
}
