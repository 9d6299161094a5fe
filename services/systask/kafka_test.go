package systask

import (
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/workflow"
)

// TestKafkaPublish: the runners publish a KAFKA_PUBLISH task's record to a
// broker started in the test (kfake speaks the real protocol) and
// complete the task once it is acknowledged; a missing topic fails it.
func TestKafkaPublish(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "events"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	publish := func(name, topic string) *workflow.WorkflowDef {
		return &workflow.WorkflowDef{Name: name, Version: 1, Tasks: []*workflow.WorkflowTask{{Name: "pub",
			TaskReferenceName: "pub", Type: workflow.TaskTypeKafkaPublish, InputParameters: map[string]any{
				"kafka_request": map[string]any{"bootStrapServers": strings.Join(cluster.ListenAddrs(), ","),
					"topic": topic, "value": map[string]any{"id": 7}, "requestTimeoutMs": 5000, "maxBlockMs": 5000}}}}}
	}
	e := startEngine(t, true, publish("pub", "events"), publish("nowhere", ""))

	wf := e.await(t, e.start(t, &api.StartWorkflowRequest{Name: "pub"}), ended)
	if pub := row(t, wf, "pub"); wf.Status != api.WorkflowCompleted || pub.WorkerID != api.SystemWorkerID {
		t.Errorf("workflow %s, task %s by %q: %q", wf.Status, pub.Status, pub.WorkerID, pub.ReasonForIncompletion)
	}
	wf = e.await(t, e.start(t, &api.StartWorkflowRequest{Name: "nowhere"}), ended)
	if pub := row(t, wf, "pub"); pub.Status != api.TaskFailed || pub.ReasonForIncompletion == "" {
		t.Errorf("no topic: task %s %q", pub.Status, pub.ReasonForIncompletion)
	}
}
