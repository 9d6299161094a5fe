package events

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/legatohq/legato/pkg/api"
)

// conductorQueue holds the messages EVENT tasks published, in memory, in
// publish order, until the conductor loop handles them and reports each
// handled to history, which keeps it stored until then (doc.go). It is
// unbounded so that Publish never blocks a history shard; EVENT tasks are
// as many as the workflows that run them.
type conductorQueue struct {
	mu     sync.Mutex
	msgs   []message
	ready  chan struct{} // holds a token while msgs may be non-empty
	closed bool
}

func newConductorQueue() *conductorQueue {
	return &conductorQueue{ready: make(chan struct{}, 1)}
}

// Publish takes the messages EVENT tasks published to conductor queues
// (history.EventSink); handled is called with each one's id once it is
// handled. Payloads are encoded at once: they belong to the publishing
// shard.
func (s *Service) Publish(msgs []api.EventMessage, handled func(id string)) {
	q := s.conductor
	batch := make([]message, 0, len(msgs))
	for _, m := range msgs {
		body, err := json.Marshal(m.Payload)
		if err != nil {
			s.log.Error("events: cannot encode a published message; dropped", "event", m.Queue, "messageId", m.ID, "err", err)
			// It would fail again at every start. Not on this goroutine:
			// handled feeds the publishing shard's mailbox.
			go handled(m.ID)
			continue
		}
		batch = append(batch, message{event: m.Queue, id: m.ID, body: body, handled: handled})
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		s.log.Warn("events: conductor queue messages left for the next start: the events service is closed", "count", len(batch))
		return
	}
	q.msgs = append(q.msgs, batch...)
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// take returns the queued messages, waiting for some until ctx ends.
func (q *conductorQueue) take(ctx context.Context) []message {
	for {
		q.mu.Lock()
		msgs := q.msgs
		q.msgs = nil
		q.mu.Unlock()
		if len(msgs) > 0 {
			return msgs
		}
		select {
		case <-ctx.Done():
			return nil
		case <-q.ready:
		}
	}
}

// close refuses further messages and returns how many were never handled
// (history delivers them again at its next start).
func (q *conductorQueue) close() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	n := len(q.msgs)
	q.msgs = nil
	return n
}

// runConductor handles the published messages, in order, until ctx ends.
func (s *Service) runConductor(ctx context.Context) {
	for {
		msgs := s.conductor.take(ctx)
		for i, m := range msgs {
			if !s.handleUntilDone(ctx, m) {
				s.log.Warn("events: conductor queue messages left for the next start", "count", len(msgs)-i)
				return
			}
			m.handled(m.id)
		}
		if ctx.Err() != nil {
			return
		}
	}
}
