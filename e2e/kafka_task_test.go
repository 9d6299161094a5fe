package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// TestKafkaPublish runs KAFKA_PUBLISH tasks against a Kafka broker
// started inside the test (kfake, the real wire protocol): the engine
// publishes the record (read back here with another client), one whose
// input says asyncComplete then waits for an update, and bad requests or a
// missing topic fail the task with upstream's reasons.
func TestKafkaPublish(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "events"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	servers := strings.Join(cluster.ListenAddrs(), ",")

	srv := startServer(t, "")
	u := srv.URL + "/api"
	def := fmt.Sprintf(`{"name":"kp_flow","version":1,"tasks":[
	 {"name":"pub","taskReferenceName":"pub","type":"KAFKA_PUBLISH","inputParameters":{"kafka_request":{
	   "bootStrapServers":%q,"topic":"${workflow.input.topic}","key":"${workflow.input.key}",
	   "value":"${workflow.input.value}","headers":{"source":"legato"},"requestTimeoutMs":5000,"maxBlockMs":5000}}},
	 {"name":"pub_async","taskReferenceName":"pub_async","type":"KAFKA_PUBLISH","inputParameters":{"asyncComplete":true,"kafka_request":{
	   "bootStrapServers":%q,"topic":"events","value":{"second":true},"requestTimeoutMs":5000,"maxBlockMs":5000}}}]}`, servers, servers)
	do(t, "POST", u+"/metadata/workflow", def).want(t, 200)

	ok := string(do(t, "POST", u+"/workflow/kp_flow", `{"topic":"events","key":"order-1","value":{"id":7}}`).want(t, 200).body)
	wf := awaitWorkflow(t, u, ok, "publishing pub_async", func(wf view) bool { return wf.row("pub_async").Status == "IN_PROGRESS" })
	if pub := wf.row("pub"); pub.Status != "COMPLETED" || pub.TaskType != "KAFKA_PUBLISH" {
		t.Errorf("pub: %+v", pub)
	}
	do(t, "POST", u+"/tasks/"+ok+"/pub_async/COMPLETED", `{"acked":"outside"}`).want(t, 200)
	if wf := awaitWorkflow(t, u, ok, "ended", ended); wf.Status != "COMPLETED" {
		t.Errorf("workflow %s: %s %q", ok, wf.Status, wf.ReasonForIncompletion)
	}

	cl, err := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...), kgo.ConsumeTopics("events"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var recs []*kgo.Record
	for len(recs) < 2 && ctx.Err() == nil {
		recs = append(recs, cl.PollFetches(ctx).Records()...)
	}
	if len(recs) != 2 {
		t.Fatalf("read %d records, want 2", len(recs))
	}
	if r := recs[0]; string(r.Key) != "order-1" || string(r.Value) != `{"id":7}` ||
		len(r.Headers) != 1 || r.Headers[0].Key != "source" || string(r.Headers[0].Value) != "legato" {
		t.Errorf("record: key %q value %s headers %v", r.Key, r.Value, r.Headers)
	}
	if r := recs[1]; r.Key != nil || string(r.Value) != `{"second":true}` {
		t.Errorf("async record: key %q value %s", r.Key, r.Value)
	}

	// No value: upstream's reason. A topic the broker has not: the
	// client's error after upstream's prefix. Both fail the workflow.
	ids := []string{ok}
	for input, reason := range map[string]string{
		`{"topic":"events","key":"k"}`:            "Missing Kafka body.  See documentation for KafkaTask for required input parameters",
		`{"topic":"nowhere","key":"k","value":1}`: "Failed to invoke kafka task due to: ",
	} {
		id := string(do(t, "POST", u+"/workflow/kp_flow", input).want(t, 200).body)
		ids = append(ids, id)
		wf := awaitWorkflow(t, u, id, "ended", ended)
		pub := wf.row("pub")
		if wf.Status != "FAILED" || pub.Status != "FAILED" || !strings.HasPrefix(pub.ReasonForIncompletion, reason) {
			t.Errorf("%s: workflow %s, pub %s %q; want FAILED with %q", input, wf.Status, pub.Status, pub.ReasonForIncompletion, reason)
		}
	}
	checkReplay(t, testCtx(t, time.Minute), srv, ids)
}
