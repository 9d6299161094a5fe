package history

import (
	"context"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/persistence/pebble"
	"github.com/legatohq/legato/pkg/workflow"
)

// sinkCall is one EventSink.Publish of one message.
type sinkCall struct {
	msg     api.EventMessage
	handled func(id string)
}

// chanSink passes every published message to the test.
type chanSink chan sinkCall

func (c chanSink) Publish(msgs []api.EventMessage, handled func(id string)) {
	for _, m := range msgs {
		c <- sinkCall{m, handled}
	}
}

// startWithSink runs a history service on store that publishes to a new
// sink, and returns both.
func startWithSink(t *testing.T, store *pebble.Store) (*Service, chanSink) {
	t.Helper()
	sink := make(chanSink, 16)
	s, err := New(Options{Exec: store, Meta: store, Matching: &offers{}, Shards: 4, Events: sink})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, sink
}

func (c chanSink) next(t *testing.T) sinkCall {
	t.Helper()
	select {
	case call := <-c:
		return call
	case <-time.After(5 * time.Second):
		t.Fatal("nothing published")
		return sinkCall{}
	}
}

// storedMessages is the ids of the published-message rows of shard.
func storedMessages(t *testing.T, store *pebble.Store, shard int) []string {
	t.Helper()
	ms, err := store.Messages(context.Background(), shard)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	return ids
}

// TestPublishedMessageKeptUntilHandled: an EVENT task's message is stored
// with the commit that completes the task, handed to the sink again by
// every start until the sink reports it handled, and then deleted.
func TestPublishedMessageKeptUntilHandled(t *testing.T) {
	ctx := context.Background()
	store := memStore(t, &workflow.WorkflowDef{Name: "pub", Version: 1, Tasks: []*workflow.WorkflowTask{
		{Name: "ev", TaskReferenceName: "ev", Type: workflow.TaskTypeEvent, Sink: "conductor", InputParameters: map[string]any{"k": "v"}},
		{Name: "hold", TaskReferenceName: "hold", Type: workflow.TaskTypeWait}}})
	s, sink := startWithSink(t, store)
	id, err := s.StartWorkflow(ctx, &api.StartWorkflowRequest{Name: "pub"})
	if err != nil {
		t.Fatal(err)
	}
	first := sink.next(t)
	wf, err := s.Workflow(ctx, id, true)
	if err != nil {
		t.Fatal(err)
	}
	ev := wf.Tasks[0]
	if first.msg.ID != ev.TaskID || first.msg.Queue != "conductor:pub:ev" || ev.Status != api.TaskCompleted {
		t.Fatalf("published %+v; EVENT task %s %s", first.msg, ev.TaskID, ev.Status)
	}
	shard := s.shardFor(id).id
	if got := storedMessages(t, store, shard); len(got) != 1 || got[0] != ev.TaskID {
		t.Fatalf("stored messages %v, want the EVENT task's", got)
	}

	// Not reported handled before the service went away: the next start
	// hands it over again, with the payload as published.
	s.Close()
	s, sink = startWithSink(t, store)
	again := sink.next(t)
	if again.msg.ID != ev.TaskID || again.msg.Queue != first.msg.Queue ||
		again.msg.Payload.(map[string]any)["k"] != "v" || again.msg.Payload.(map[string]any)["workflowInstanceId"] != id {
		t.Fatalf("published again %+v, first %+v", again.msg, first.msg)
	}

	again.handled(again.msg.ID)
	for end := time.Now().Add(5 * time.Second); len(storedMessages(t, store, shard)) > 0; time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("the handled message's row was not deleted")
		}
	}
	s.Close()
	_, sink = startWithSink(t, store)
	select {
	case call := <-sink:
		t.Fatalf("a handled message was published again: %+v", call.msg)
	default:
	}
}
