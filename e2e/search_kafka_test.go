package e2e

import (
	"net/url"
	"testing"
	"time"
)

// TestSearchThroughKafka: with --visibility kafka the summaries go from
// history's outbox through the legato-visibility topic (an in-process
// broker) to the store search reads.
func TestSearchThroughKafka(t *testing.T) {
	k := startKafka(t, "legato-visibility")
	srv := startServer(t, "", "--visibility", "kafka", "--kafka-brokers", k.brokers)
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/taskdefs", `[{"name":"ksrch_work","retryCount":0}]`).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", `{"name":"ksrch_flow","version":1,"tasks":[
	 {"name":"ksrch_work","taskReferenceName":"w"}]}`).want(t, 200)
	id := string(do(t, "POST", u+"/workflow/ksrch_flow?correlationId=k-1", map[string]any{}).want(t, 200).body)
	tk := pollOne(t, u, "ksrch_work")
	do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": tk.WorkflowInstanceID, "taskId": tk.TaskID,
		"status": "COMPLETED"}).want(t, 200)
	done := url.Values{"query": {"workflowType = ksrch_flow AND status = COMPLETED"}}
	if !await(t, 20*time.Second, func() bool { return search(t, u, "/workflow/search", done).TotalHits == 1 }) {
		t.Fatalf("the completed workflow is not searchable after 20s: %+v\n%s", search(t, u, "/workflow/search", done), srv.output())
	}
	if got := ids(search(t, u, "/workflow/search", done), "workflowId"); got[0] != id {
		t.Errorf("search found %v, want %s", got, id)
	}
	tasks := url.Values{"query": {"taskType = ksrch_work AND status = COMPLETED"}}
	if !await(t, 20*time.Second, func() bool { return search(t, u, "/tasks/search", tasks).TotalHits == 1 }) {
		t.Errorf("the completed task is not searchable: %+v", search(t, u, "/tasks/search", tasks))
	}
}
