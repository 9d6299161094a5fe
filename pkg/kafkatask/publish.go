package kafkatask

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
)

// maxWriters bounds the writers kept open, one per bootstrap server list;
// past it a publish uses a writer of its own, closed after it.
const maxWriters = 64

// Publisher publishes records, keeping one writer (and its connections)
// per bootstrap server list in use. The zero value is ready to use; it is
// safe for concurrent use.
type Publisher struct {
	mu      sync.Mutex
	writers map[string]*kafka.Writer
	// transport holds the writers' connections. kafka-go's default
	// transport is shared by the process and keeps its connection
	// goroutines after the writers close; this one Close ends.
	transport *kafka.Transport
}

// Publish sends r and waits for the brokers' acknowledgment within
// r.RequestTimeout + r.MaxBlock. The error, if any, is the task's reason
// (FailedToInvoke and the cause).
func (p *Publisher) Publish(ctx context.Context, r *Request) error {
	ctx, cancel := context.WithTimeout(ctx, r.RequestTimeout+r.MaxBlock)
	defer cancel()
	w, own := p.writer(r.Servers)
	if own {
		defer w.Close()
	}
	msg := kafka.Message{Topic: r.Topic, Key: r.Key, Value: r.Value}
	for _, h := range r.Headers {
		msg.Headers = append(msg.Headers, kafka.Header{Key: h.Key, Value: h.Value})
	}
	if err := w.WriteMessages(ctx, msg); err != nil {
		return errors.New(FailedToInvoke + err.Error())
	}
	return nil
}

// Close closes the writers and their connections.
func (p *Publisher) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, w := range p.writers {
		w.Close()
		delete(p.writers, k)
	}
	if p.transport != nil {
		p.transport.CloseIdleConnections()
	}
	return nil
}

// writer returns the shared writer of servers, or a new one the caller
// owns (closes) when the pool is full.
func (p *Publisher) writer(servers []string) (w *kafka.Writer, own bool) {
	key := strings.Join(servers, ",")
	p.mu.Lock()
	defer p.mu.Unlock()
	if w := p.writers[key]; w != nil {
		return w, false
	}
	if p.transport == nil {
		p.transport = &kafka.Transport{}
	}
	w = &kafka.Writer{
		Addr:         kafka.TCP(servers...),
		Transport:    p.transport,
		Balancer:     &kafka.Murmur2Balancer{},
		RequiredAcks: kafka.RequireAll,
		// One record per publish: send it at once rather than wait for a
		// batch to fill.
		BatchTimeout: time.Millisecond,
	}
	if len(p.writers) >= maxWriters {
		return w, true
	}
	if p.writers == nil {
		p.writers = map[string]*kafka.Writer{}
	}
	p.writers[key] = w
	return w, false
}
