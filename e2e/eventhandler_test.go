package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// approvalWorkflow waits in WAIT task "approval" until an event completes
// it; its output is the approval's.
const approvalWorkflow = `{"name":"order_approval","version":1,"tasks":[
 {"name":"wait_for_approval","taskReferenceName":"approval","type":"WAIT"}],
 "outputParameters":{"approvedBy":"${approval.output.approvedBy}"}}`

// testKafka is an in-process Kafka cluster (kfake, the real wire
// protocol) with one single-partition topic, and a client of it.
type testKafka struct {
	t       *testing.T
	brokers string
	topic   string
	cl      *kgo.Client
}

func startKafka(t *testing.T, topic string) *testKafka {
	t.Helper()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, topic))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	cl, err := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return &testKafka{t: t, brokers: strings.Join(cluster.ListenAddrs(), ","), topic: topic, cl: cl}
}

func (k *testKafka) produce(value string) {
	k.t.Helper()
	ctx := testCtx(k.t, 10*time.Second)
	if err := k.cl.ProduceSync(ctx, &kgo.Record{Topic: k.topic, Value: []byte(value)}).FirstErr(); err != nil {
		k.t.Fatalf("produce to %s: %v", k.topic, err)
	}
}

// awaitCommitted waits until group has committed offset want (the next
// offset to read) on the topic's partition.
func (k *testKafka) awaitCommitted(group string, want int64) {
	k.t.Helper()
	ctx := testCtx(k.t, 20*time.Second)
	got := int64(-2)
	committed := func() bool {
		req := kmsg.NewPtrOffsetFetchRequest()
		req.Group = group
		rt := kmsg.NewOffsetFetchRequestTopic()
		rt.Topic, rt.Partitions = k.topic, []int32{0}
		req.Topics = append(req.Topics, rt)
		resp, err := req.RequestWith(ctx, k.cl)
		if err == nil && len(resp.Topics) == 1 && len(resp.Topics[0].Partitions) == 1 {
			got = resp.Topics[0].Partitions[0].Offset
		}
		return got == want
	}
	if !await(k.t, 20*time.Second, committed) {
		k.t.Fatalf("group %s: committed offset %d, want %d", group, got, want)
	}
}

func approvalMessage(workflowID string, approved bool, by, eventID string) string {
	b, _ := json.Marshal(map[string]any{"workflowId": workflowID, "approved": approved, "approvedBy": by, "eventId": eventID})
	return string(b)
}

// TestEventHandlerKafka runs Conductor's complete-wait-handler fixture: a
// handler on kafka:order-approvals completes the WAIT task "approval" of
// the workflow a message names when the message is approved. Messages go
// through a real Kafka wire protocol (kfake) to the consumer group of the
// real binary; the group's committed offsets and the stored handler
// survive a restart.
func TestEventHandlerKafka(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(conductorFixtures, "complete-wait-handler.json"))
	if err != nil {
		t.Skipf("Conductor fixture complete-wait-handler.json not found in %s (shared/reference beside the repository): %v", conductorFixtures, err)
	}
	k := startKafka(t, "order-approvals")
	const group = "legato-kafka:order-approvals"
	data := t.TempDir()
	srv := startServer(t, data, "--kafka-brokers", k.brokers)
	u := srv.URL + "/api"

	do(t, "POST", u+"/event", raw).want(t, 200)
	var hs []map[string]any
	do(t, "GET", u+"/event/kafka:order-approvals", nil).want(t, 200).json(t, &hs)
	if len(hs) != 1 || hs[0]["name"] != "complete_order_approval" {
		t.Fatalf("handlers of kafka:order-approvals: %v", hs)
	}
	do(t, "POST", u+"/metadata/workflow", approvalWorkflow).want(t, 200)
	approved := string(do(t, "POST", u+"/workflow/order_approval", `{}`).want(t, 200).body)
	rejected := string(do(t, "POST", u+"/workflow/order_approval", `{}`).want(t, 200).body)

	// One partition keeps order: once the second message has completed
	// its workflow, the first (approved=false) was handled and left its
	// workflow waiting.
	k.produce(approvalMessage(rejected, false, "bob", "e0"))
	k.produce(approvalMessage(approved, true, "ann", "e1"))
	wf := awaitWorkflow(t, u, approved, "completed by the approval event", ended)
	out := wf.row("approval").OutputData
	if wf.Status != "COMPLETED" || wf.Output["approvedBy"] != "ann" || out["approved"] != true || out["eventId"] != "e1" ||
		out["workflowId"] != approved || out["taskRefName"] != "approval" ||
		out["conductor.event.name"] != "kafka:order-approvals" || out["conductor.event.messageId"] != "order-approvals-0-1" {
		t.Errorf("approved workflow %s, output %v, approval output %v", wf.Status, wf.Output, out)
	}
	if wf := readWorkflow(t, u, rejected); wf.Status != "RUNNING" || wf.row("approval").Status != "IN_PROGRESS" {
		t.Fatalf("a message with approved=false changed workflow %s: %s, approval %s", rejected, wf.Status, wf.row("approval").Status)
	}

	// Offsets are committed once the actions are durable. Stopped, the
	// server misses a message; restarted with the same data it still has
	// the handler, and its group goes on after the committed offsets.
	k.awaitCommitted(group, 2)
	srv.stop()
	k.produce(approvalMessage(rejected, true, "carol", "e2"))
	srv = startServer(t, data, "--kafka-brokers", k.brokers)
	u = srv.URL + "/api"
	wf = awaitWorkflow(t, u, rejected, "completed after a restart", ended)
	if out := wf.row("approval").OutputData; wf.Status != "COMPLETED" || out["approvedBy"] != "carol" ||
		out["conductor.event.messageId"] != "order-approvals-0-2" {
		t.Errorf("workflow approved while the server was down: %s, approval output %v", wf.Status, out)
	}
	k.awaitCommitted(group, 3)
}

// TestEventHandlerKafkaWithoutBrokers: with no brokers configured a kafka
// handler is stored and listed, and the log says it is inactive.
func TestEventHandlerKafkaWithoutBrokers(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/event", `{"name":"h","event":"kafka:orders","active":true,
	 "actions":[{"action":"start_workflow","start_workflow":{"name":"w"}}]}`).want(t, 200)
	var hs []map[string]any
	do(t, "GET", u+"/event", nil).want(t, 200).json(t, &hs)
	if len(hs) != 1 {
		t.Fatalf("handlers: %v", hs)
	}
	srv.awaitLog("stored but inactive", 15*time.Second) // about the inactive kafka handler
}

// fulfilDef is the workflow the conductor-sink handlers start: one WAIT,
// so it stays RUNNING where the test can find it.
const fulfilDef = `{"name":"fulfil","version":1,"tasks":[
	 {"name":"pack","taskReferenceName":"pack","type":"WAIT"}]}`

// TestEventHandlerConductorSink: an EVENT task with sink "conductor"
// publishes to conductor:<workflow>:<ref>, whose handler starts a workflow
// from the payload; an action OSS does not run is logged as unsupported.
func TestEventHandlerConductorSink(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/workflow", fulfilDef).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", `{"name":"publisher","version":1,"tasks":[
	 {"name":"announce","taskReferenceName":"announce","type":"EVENT","sink":"conductor",
	  "inputParameters":{"orderId":"${workflow.input.orderId}"}}]}`).want(t, 200)
	do(t, "POST", u+"/event", `{"name":"start_fulfil","event":"conductor:publisher:announce","active":true,
	 "condition":"$.orderId.length > 0",
	 "actions":[
	  {"action":"start_workflow","start_workflow":{"name":"fulfil","correlationId":"${correlationId}",
	   "input":{"orderId":"${orderId}","from":"${workflowInstanceId}"}}},
	  {"action":"terminate_workflow","terminate_workflow":{"workflowId":"${workflowInstanceId}"}}]}`).want(t, 200)

	pub := string(do(t, "POST", u+"/workflow", `{"name":"publisher","correlationId":"c-42","input":{"orderId":"o-1"}}`).want(t, 200).body)
	started := awaitCorrelated(t, srv, "fulfil", "c-42")
	eventTask := readWorkflow(t, u, pub).row("announce")
	if in := started[0].Input; len(started) != 1 || in["orderId"] != "o-1" || in["from"] != pub ||
		in["conductor.event.name"] != "conductor:publisher:announce" || in["conductor.event.messageId"] != eventTask.TaskID {
		t.Errorf("started %d workflows; input %v (EVENT task %s)", len(started), started[0].Input, eventTask.TaskID)
	}
	if wf := readWorkflow(t, u, pub); wf.Status != "COMPLETED" {
		t.Errorf("publisher %s: unsupported action changed it", wf.Status)
	}
	srv.awaitLog("Action not supported terminate_workflow", 15*time.Second)
}
