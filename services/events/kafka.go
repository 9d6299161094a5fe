package events

import (
	"context"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"
)

// consumer is one running Kafka consumer, for one event.
type consumer struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// stop ends the consumer and waits for it; an uncommitted message is read
// again by the group's next member.
func (c *consumer) stop() {
	c.cancel()
	<-c.done
}

// groupID is the consumer group of an event's handlers.
func groupID(event string) string { return "legato-" + event }

// startConsumer reads topic in event's consumer group until stopped. A
// message's offset is committed once handled (every action durable), so a
// crash replays it.
func (s *Service) startConsumer(ctx context.Context, event, topic string) *consumer {
	ctx, cancel := context.WithCancel(ctx)
	c := &consumer{cancel: cancel, done: make(chan struct{})}
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers:     s.opts.KafkaBrokers,
		GroupID:     groupID(event),
		Topic:       topic,
		StartOffset: kafka.FirstOffset, // a new group also gets what was sent before it joined
		MaxWait:     500 * time.Millisecond,
		ErrorLogger: kafka.LoggerFunc(func(msg string, args ...any) {
			s.log.Warn("events: kafka: "+fmt.Sprintf(msg, args...), "event", event)
		}),
	})
	s.log.Info("events: consuming", "event", event, "group", groupID(event), "brokers", s.opts.KafkaBrokers)
	go func() {
		defer close(c.done)
		defer s.log.Info("events: stopped consuming", "event", event)
		defer r.Close()
		for {
			km, err := r.FetchMessage(ctx)
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				s.log.Warn("events: kafka fetch failed", "event", event, "err", err)
				sleep(ctx, time.Second)
				continue
			}
			m := message{event: event, id: fmt.Sprintf("%s-%d-%d", km.Topic, km.Partition, km.Offset), body: km.Value}
			if !s.handleUntilDone(ctx, m) {
				return
			}
			if err := r.CommitMessages(ctx, km); err != nil && ctx.Err() == nil {
				s.log.Warn("events: kafka commit failed; the message may be handled again", "event", event, "messageId", m.id, "err", err)
			}
		}
	}()
	return c
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
