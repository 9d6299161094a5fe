package kafkatask

import (
	"context"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

func TestParseFailures(t *testing.T) {
	for _, c := range []struct {
		input map[string]any
		want  string
	}{
		{map[string]any{}, MissingRequest},
		{map[string]any{"kafka_request": "x"}, MissingRequest},
		{map[string]any{"kafka_request": map[string]any{"topic": "t", "value": 1}}, NoBootstrapServers},
		{map[string]any{"kafka_request": map[string]any{"bootStrapServers": "b:1", "value": 1}}, MissingTopic},
		{map[string]any{"kafka_request": map[string]any{"bootStrapServers": "b:1", "topic": "t"}}, MissingBody},
		{map[string]any{"kafka_request": map[string]any{"bootStrapServers": "b:1", "topic": "t", "value": 1, "key": "x",
			"keySerializer": IntegerSerializer}}, FailedToInvoke + `For input string: "x"`},
		{map[string]any{"kafka_request": map[string]any{"bootStrapServers": "b:1", "topic": "t", "value": 1, "key": "x",
			"keySerializer": "com.example.Nope"}}, FailedToInvoke + "Invalid value com.example.Nope"},
	} {
		_, err := Parse(c.input)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("Parse(%v) = %v, want %q", c.input, err, c.want)
		}
	}
}

// TestPublish publishes over the Kafka wire protocol to an in-process
// broker (kfake) and reads the records back with another client.
func TestPublish(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "orders"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	servers := strings.Join(cluster.ListenAddrs(), ",")
	var p Publisher
	defer p.Close()
	ctx := context.Background()

	for _, in := range []map[string]any{
		{"bootStrapServers": servers, "topic": "orders", "key": "k1", "value": map[string]any{"id": 7.0, "ok": true},
			"headers": map[string]any{"h": "v", "n": 2.0}, "requestTimeoutMs": "5000", "maxBlockMs": 5000.0},
		{"bootStrapServers": servers, "topic": "orders", "key": 42.0, "keySerializer": LongSerializer, "value": "text",
			"requestTimeoutMs": 5000},
	} {
		r, err := Parse(map[string]any{"kafka_request": in})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Publish(ctx, r); err != nil {
			t.Fatal(err)
		}
	}

	cl, err := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...), kgo.ConsumeTopics("orders"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var recs []*kgo.Record
	fetchCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for len(recs) < 2 && fetchCtx.Err() == nil {
		recs = append(recs, cl.PollFetches(fetchCtx).Records()...)
	}
	if len(recs) != 2 {
		t.Fatalf("read %d records, want 2", len(recs))
	}
	if r := recs[0]; string(r.Key) != "k1" || string(r.Value) != `{"id":7,"ok":true}` || len(r.Headers) != 2 {
		t.Errorf("record 1: key %q value %s headers %v", r.Key, r.Value, r.Headers)
	}
	for _, h := range recs[0].Headers {
		if want := map[string]string{"h": "v", "n": "2"}[h.Key]; string(h.Value) != want {
			t.Errorf("header %s = %q, want %q", h.Key, h.Value, want)
		}
	}
	if r := recs[1]; binary.BigEndian.Uint64(r.Key) != 42 || string(r.Value) != `"text"` {
		t.Errorf("record 2: key %x value %s, want 8-byte 42 and the JSON string", r.Key, r.Value)
	}

	// A topic the broker does not have fails the publish, with the
	// client's reason after upstream's prefix.
	r, _ := Parse(map[string]any{"kafka_request": map[string]any{"bootStrapServers": servers, "topic": "missing",
		"value": 1, "requestTimeoutMs": 200, "maxBlockMs": 300}})
	if err := p.Publish(ctx, r); err == nil || !strings.HasPrefix(err.Error(), FailedToInvoke) {
		t.Errorf("publish to a missing topic: %v", err)
	}
}
