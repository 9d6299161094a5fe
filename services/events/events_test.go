package events_test

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cockroachdb/pebble/vfs"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"go.uber.org/goleak"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/eventhandler"
	"github.com/legatohq/legato/pkg/persistence/pebble"
	"github.com/legatohq/legato/pkg/script"
	"github.com/legatohq/legato/pkg/workflow"
	"github.com/legatohq/legato/services/events"
	"github.com/legatohq/legato/services/history"
	"github.com/legatohq/legato/services/matching"
)

// Every consumer, Kafka connection and loop is gone after Close.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// engine is a real store, history and matching with the events service
// on top, as cmd/legato wires them.
type engine struct {
	store *pebble.Store
	hist  *history.Service
	ev    *events.Service
	js    *script.Evaluator
	log   *slog.Logger
	logs  *syncBuffer
}

type lateHistory struct{ h *history.Service }

func (l *lateHistory) RecordTasksStarted(ctx context.Context, reqs []api.StartTask) []api.StartedTask {
	return l.h.RecordTasksStarted(ctx, reqs)
}

func (l *lateHistory) QueuePolled(q api.TaskQueue, at int64) { l.h.QueuePolled(q, at) }

type lateEvents struct{ s *events.Service }

func (l *lateEvents) Publish(msgs []api.EventMessage, handled func(id string)) {
	l.s.Publish(msgs, handled)
}

// syncBuffer is a log sink tests read while the service writes.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startEngine(t *testing.T, brokers []string) *engine {
	t.Helper()
	ctx := t.Context()
	e := &engine{logs: &syncBuffer{}}
	e.log = slog.New(slog.NewTextHandler(e.logs, nil))
	log := e.log
	var err error
	e.store, err = pebble.Open(pebble.Options{Dir: "db", FS: vfs.NewMem()})
	if err != nil {
		t.Fatal(err)
	}
	lh, sink := &lateHistory{}, &lateEvents{}
	match, err := matching.New(matching.Options{History: lh})
	if err != nil {
		t.Fatal(err)
	}
	if e.js, err = script.New(script.Limits{}); err != nil {
		t.Fatal(err)
	}
	e.hist, err = history.New(history.Options{Exec: e.store, Meta: e.store, Matching: match, Scripts: e.js, Events: sink, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	lh.h = e.hist
	t.Cleanup(func() {
		match.Close()
		e.hist.Close()
		e.store.Close()
	})
	e.ev = e.newEvents(t, brokers)
	sink.s = e.ev
	if err := e.hist.Start(ctx); err != nil {
		t.Fatal(err)
	}
	e.startEvents(t, e.ev)
	def := &workflow.WorkflowDef{Name: "w", Version: 1, Tasks: []*workflow.WorkflowTask{{Name: "hold", TaskReferenceName: "hold", Type: workflow.TaskTypeWait}}}
	def.ApplyDefaults()
	if err := e.store.PutWorkflowDef(ctx, def); err != nil {
		t.Fatal(err)
	}
	return e
}

// newEvents builds an events service over the engine's store and history.
func (e *engine) newEvents(t *testing.T, brokers []string) *events.Service {
	t.Helper()
	ev, err := events.New(events.Options{Meta: e.store, History: e.hist, Scripts: e.js,
		KafkaBrokers: brokers, ReloadInterval: 20 * time.Millisecond, Logger: e.log})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// startEvents starts ev and closes it when the test ends (before the
// engine under it).
func (e *engine) startEvents(t *testing.T, ev *events.Service) {
	t.Helper()
	if err := ev.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ev.Close)
}

func startHandler(event string) *eventhandler.Handler {
	return &eventhandler.Handler{Name: "start-" + event, Event: event, Active: true, Actions: []eventhandler.Action{{
		Action: eventhandler.ActionStartWorkflow, StartWorkflow: &eventhandler.StartWorkflow{Name: "w", Input: map[string]any{"k": "${k}"}},
	}}}
}

// awaitRunning waits until n workflows of w run and returns their ids.
func (e *engine) awaitRunning(t *testing.T, n int) []string {
	t.Helper()
	for end := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		ids, err := e.hist.Running(t.Context(), "w", 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) >= n {
			return ids
		}
		if time.Now().After(end) {
			t.Fatalf("%d workflows of w running, want %d; log:\n%s", len(ids), n, e.logs.String())
		}
	}
}

// awaitNoStoredMessages waits until history holds no published message:
// each was reported handled, and its row deleted.
func (e *engine) awaitNoStoredMessages(t *testing.T) {
	t.Helper()
	for end := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var left []api.EventMessage
		for shard := range history.DefaultShards {
			ms, err := e.store.Messages(t.Context(), shard)
			if err != nil {
				t.Fatal(err)
			}
			left = append(left, ms...)
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("messages still stored: %v; log:\n%s", left, e.logs.String())
		}
	}
}

// A handler stored while the service runs starts consuming its topic
// (from the start of a new group), a deleted one stops, and Close leaves
// nothing running.
func TestKafkaHandlerFollowsTheStore(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(1, "orders"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	cl, err := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	e := startEngine(t, cluster.ListenAddrs())
	ctx := t.Context()
	if err := cl.ProduceSync(ctx, &kgo.Record{Topic: "orders", Value: []byte(`{"k":"before"}`)}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateEventHandler(ctx, startHandler("kafka:orders")); err != nil {
		t.Fatal(err)
	}
	ids := e.awaitRunning(t, 1)
	wf, err := e.hist.Workflow(ctx, ids[0], false)
	if err != nil {
		t.Fatal(err)
	}
	if wf.Input["k"] != "before" || wf.Input[eventhandler.KeyMessageID] != "orders-0-0" || wf.Input[eventhandler.KeyEventName] != "kafka:orders" {
		t.Errorf("started workflow input %v", wf.Input)
	}

	// Delivered again (the group's offset reset by hand while no member
	// runs), the message starts no second workflow.
	e.ev.Close()
	commit := kmsg.NewPtrOffsetCommitRequest()
	commit.Group, commit.Generation = "legato-kafka:orders", -1
	meta := kmsg.NewPtrMetadataRequest()
	mt := kmsg.NewMetadataRequestTopic()
	mt.Topic = kmsg.StringPtr("orders")
	meta.Topics = append(meta.Topics, mt)
	mresp, err := meta.RequestWith(ctx, cl)
	if err != nil || len(mresp.Topics) != 1 {
		t.Fatalf("metadata of orders: %v", err)
	}
	ct := kmsg.NewOffsetCommitRequestTopic()
	ct.Topic, ct.TopicID = "orders", mresp.Topics[0].TopicID // newer versions name topics by id
	cp := kmsg.NewOffsetCommitRequestTopicPartition()
	cp.Partition, cp.Offset = 0, 0
	ct.Partitions = append(ct.Partitions, cp)
	commit.Topics = append(commit.Topics, ct)
	resp, err := commit.RequestWith(ctx, cl)
	if err != nil {
		t.Fatal(err)
	}
	if code := resp.Topics[0].Partitions[0].ErrorCode; code != 0 {
		t.Fatalf("resetting the group's offset: error code %d", code)
	}
	mark := len(e.logs.String())
	e.startEvents(t, e.newEvents(t, cluster.ListenAddrs()))
	for end := time.Now().Add(15 * time.Second); !strings.Contains(e.logs.String()[mark:], "events: workflow started"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("the message was not delivered again; log:\n%s", e.logs.String())
		}
	}
	if again := e.awaitRunning(t, 1); len(again) != 1 || again[0] != ids[0] {
		t.Errorf("after the replay, running %v; want only %s", again, ids[0])
	}

	if err := e.store.DeleteEventHandler(ctx, "start-kafka:orders"); err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(15 * time.Second); !strings.Contains(e.logs.String(), "events: stopped consuming"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("the consumer of a deleted handler did not stop; log:\n%s", e.logs.String())
		}
	}
}

// Without brokers a kafka handler is inactive and says so; a conductor
// handler still runs on what EVENT tasks publish, and a message that
// names an unknown workflow is dropped without holding up the next.
func TestConductorQueueWithoutBrokers(t *testing.T) {
	e := startEngine(t, nil)
	ctx := t.Context()
	bad := startHandler("conductor:pub:ev")
	bad.Name = "bad"
	bad.Actions[0].StartWorkflow.Name = "no_such_workflow"
	for _, h := range []*eventhandler.Handler{startHandler("kafka:orders"), bad, startHandler("conductor:pub:ev")} {
		if err := e.store.CreateEventHandler(ctx, h); err != nil {
			t.Fatal(err)
		}
	}
	pub := &workflow.WorkflowDef{Name: "pub", Version: 1, Tasks: []*workflow.WorkflowTask{{Name: "ev", TaskReferenceName: "ev",
		Type: workflow.TaskTypeEvent, Sink: "conductor", InputParameters: map[string]any{"k": "${workflow.input.k}"}}}}
	pub.ApplyDefaults()
	if err := e.store.PutWorkflowDef(ctx, pub); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"one", "two"} {
		if _, err := e.hist.StartWorkflow(ctx, &api.StartWorkflowRequest{Name: "pub", Input: map[string]any{"k": k}}); err != nil {
			t.Fatal(err)
		}
	}
	// Had the unknown workflow counted as transient, the first message
	// would be retried for ever and the second never handled.
	ids := e.awaitRunning(t, 2)
	var ks []string
	for _, id := range ids {
		wf, err := e.hist.Workflow(ctx, id, false)
		if err != nil {
			t.Fatal(err)
		}
		ks = append(ks, wf.Input["k"].(string))
	}
	if slices.Sort(ks); len(ks) != 2 || ks[0] != "one" || ks[1] != "two" {
		t.Errorf("workflows started for k = %v, want one and two", ks)
	}
	e.awaitNoStoredMessages(t)
	// The kafka handler is found inactive by the reload loop, which may run
	// after the conductor messages were handled.
	for _, want := range []string{"stored but inactive", "no_such_workflow"} {
		for end := time.Now().Add(15 * time.Second); !strings.Contains(e.logs.String(), want); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(end) {
				t.Fatalf("log does not mention %q:\n%s", want, e.logs.String())
			}
		}
	}
}

// fail_task by taskId: an EVENT task publishes the id of another
// workflow's WAIT task, and the handler fails that task with its output.
func TestFailTaskByID(t *testing.T) {
	e := startEngine(t, nil)
	ctx := t.Context()
	waiting, err := e.hist.StartWorkflow(ctx, &api.StartWorkflowRequest{Name: "w"})
	if err != nil {
		t.Fatal(err)
	}
	wf, err := e.hist.Workflow(ctx, waiting, true)
	if err != nil || len(wf.Tasks) != 1 {
		t.Fatalf("workflow %s: %v, %v", waiting, wf, err)
	}
	hold := wf.Tasks[0].TaskID
	if err := e.store.CreateEventHandler(ctx, &eventhandler.Handler{Name: "fail", Event: "conductor:pub:ev", Active: true,
		Actions: []eventhandler.Action{{Action: eventhandler.ActionFailTask, FailTask: &eventhandler.TaskDetails{
			TaskID: "${taskId}", Output: map[string]any{"why": "${reason}"}}}}}); err != nil {
		t.Fatal(err)
	}
	pub := &workflow.WorkflowDef{Name: "pub", Version: 1, Tasks: []*workflow.WorkflowTask{{Name: "ev", TaskReferenceName: "ev",
		Type: workflow.TaskTypeEvent, Sink: "conductor", InputParameters: map[string]any{"taskId": "${workflow.input.taskId}", "reason": "no stock"}}}}
	pub.ApplyDefaults()
	if err := e.store.PutWorkflowDef(ctx, pub); err != nil {
		t.Fatal(err)
	}
	pubID, err := e.hist.StartWorkflow(ctx, &api.StartWorkflowRequest{Name: "pub", Input: map[string]any{"taskId": hold}})
	if err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		wf, err = e.hist.Workflow(ctx, waiting, true)
		if err != nil {
			t.Fatal(err)
		}
		if wf.Status != "RUNNING" {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("workflow %s still running; log:\n%s", waiting, e.logs.String())
		}
	}
	pw, err := e.hist.Workflow(ctx, pubID, true)
	if err != nil {
		t.Fatal(err)
	}
	out := wf.Tasks[0].OutputData
	if wf.Status != "FAILED" || wf.Tasks[0].Status != "FAILED" || out["why"] != "no stock" || out["taskId"] != hold ||
		out[eventhandler.KeyMessageID] != pw.Tasks[0].TaskID || out[eventhandler.KeyEventName] != "conductor:pub:ev" {
		t.Errorf("workflow %s, task %s, output %v", wf.Status, wf.Tasks[0].Status, out)
	}
}
