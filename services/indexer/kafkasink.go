package indexer

import (
	"context"
	"fmt"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/legatohq/legato/pkg/persistence"
)

// KafkaSinkOptions configure a KafkaSink. Zero values mean the defaults.
type KafkaSinkOptions struct {
	// Brokers are the bootstrap brokers (host:port); required.
	Brokers []string
	// Topic is the visibility topic; DefaultTopic if empty. Create it
	// with as many partitions as the consumers need: records are spread
	// over them by workflow id.
	Topic string
	// WriteTimeout bounds one Write, the brokers' acknowledgment
	// included; past it the Write fails and the rows stay in the outbox.
	WriteTimeout time.Duration
	// MaxMessageBytes is the largest produce request (and so record)
	// the sink sends: the broker's message.max.bytes, 1 MiB by default in
	// Kafka. Raise both together for large workflow inputs and outputs.
	MaxMessageBytes int64
	// BatchTimeout is how long a partition's batch waits to fill before
	// it is sent (kafka-go's, as linger.ms). The indexer already lingers
	// before a Write, so it is short.
	BatchTimeout time.Duration
}

// EnsureDefaults sets zero fields to their defaults.
func (o *KafkaSinkOptions) EnsureDefaults() {
	if o.Topic == "" {
		o.Topic = DefaultTopic
	}
	if o.WriteTimeout == 0 {
		o.WriteTimeout = 10 * time.Second
	}
	if o.BatchTimeout == 0 {
		o.BatchTimeout = 5 * time.Millisecond
	}
	if o.MaxMessageBytes == 0 {
		o.MaxMessageBytes = 1 << 20
	}
}

// Validate names the first bad field.
func (o *KafkaSinkOptions) Validate() error {
	switch {
	case len(o.Brokers) == 0:
		return fmt.Errorf("%w: KafkaSinkOptions.Brokers is required", ErrInvalidOptions)
	case o.WriteTimeout < 0:
		return fmt.Errorf("%w: KafkaSinkOptions.WriteTimeout is %v, want >= 0", ErrInvalidOptions, o.WriteTimeout)
	case o.BatchTimeout < 0:
		return fmt.Errorf("%w: KafkaSinkOptions.BatchTimeout is %v, want >= 0", ErrInvalidOptions, o.BatchTimeout)
	case o.MaxMessageBytes < 0:
		return fmt.Errorf("%w: KafkaSinkOptions.MaxMessageBytes is %d, want >= 0", ErrInvalidOptions, o.MaxMessageBytes)
	}
	return nil
}

// KafkaSink produces outbox rows to the visibility topic (see
// VersionHeader for a record's format) and returns from Write only once
// every in-sync replica has acknowledged every row.
type KafkaSink struct {
	opts KafkaSinkOptions
	w    *kafka.Writer
	// transport holds the writer's connections; Close ends them (kafka-go's
	// default transport is process-wide and outlives the writer).
	transport *kafka.Transport
}

var _ Sink = (*KafkaSink)(nil)

// NewKafkaSink builds a KafkaSink; it connects on the first Write.
func NewKafkaSink(opts KafkaSinkOptions) (*KafkaSink, error) {
	opts.EnsureDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	t := &kafka.Transport{}
	return &KafkaSink{opts: opts, transport: t, w: &kafka.Writer{
		Addr:      kafka.TCP(opts.Brokers...),
		Topic:     opts.Topic,
		Transport: t,
		// The Java client's partitioner: a workflow's records land in the
		// partition other clients would pick for its id.
		Balancer:     &kafka.Murmur2Balancer{},
		RequiredAcks: kafka.RequireAll,
		BatchSize:    10000,
		BatchBytes:   opts.MaxMessageBytes,
		BatchTimeout: opts.BatchTimeout,
		// A broker that allows it creates the topic on first use.
		AllowAutoTopicCreation: true,
	}}, nil
}

// Write produces rows, batched per partition, and waits for the acks. On
// an error some rows may have been produced: the indexer writes them all
// again, which consumers absorb (the version guard).
func (s *KafkaSink) Write(ctx context.Context, rows []persistence.VisibilityRow) error {
	if len(rows) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.WriteTimeout)
	defer cancel()
	msgs := make([]kafka.Message, len(rows))
	for i, r := range rows {
		msgs[i] = encodeRow(r)
	}
	if err := s.w.WriteMessages(ctx, msgs...); err != nil {
		return fmt.Errorf("indexer: produce %d rows to %s: %w", len(rows), s.opts.Topic, err)
	}
	return nil
}

// Close flushes nothing (every Write waited for its acks) and closes the
// connections. Call it after the indexer's Close.
func (s *KafkaSink) Close() error {
	err := s.w.Close()
	s.transport.CloseIdleConnections()
	return err
}
