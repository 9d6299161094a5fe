package indexer

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// ErrInvalidOptions wraps every Options.Validate error.
var ErrInvalidOptions = errors.New("indexer: invalid options")

// Options configure an Indexer. Zero values mean the defaults.
type Options struct {
	Outbox Outbox
	// Sink is where rows go: NewStoreSink (embedded) or a KafkaSink.
	Sink Sink
	// Shards is history's shard count.
	Shards int
	// BatchSize bounds the outbox rows one Sink.Write carries.
	BatchSize int
	// RetryDelay is how long a failed Write waits before the next try.
	RetryDelay time.Duration
	// Linger is how long the indexer lets rows gather after it is woken
	// before it reads them, as Kafka's linger.ms: a workflow's several
	// rounds then become one write of its newest summary, which is most
	// of the indexer's cost under load. It bounds part of the lag.
	Linger time.Duration
	Logger *slog.Logger
}

// EnsureDefaults sets zero fields to their defaults.
func (o *Options) EnsureDefaults() {
	if o.BatchSize == 0 {
		o.BatchSize = 5000
	}
	if o.RetryDelay == 0 {
		o.RetryDelay = time.Second
	}
	if o.Linger == 0 {
		o.Linger = 200 * time.Millisecond
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Validate names the first bad field.
func (o *Options) Validate() error {
	switch {
	case o.Outbox == nil:
		return fmt.Errorf("%w: Options.Outbox is required", ErrInvalidOptions)
	case o.Sink == nil:
		return fmt.Errorf("%w: Options.Sink is required", ErrInvalidOptions)
	case o.Shards < 1:
		return fmt.Errorf("%w: Options.Shards is %d, want >= 1", ErrInvalidOptions, o.Shards)
	case o.BatchSize < 1:
		return fmt.Errorf("%w: Options.BatchSize is %d, want >= 1", ErrInvalidOptions, o.BatchSize)
	case o.RetryDelay < 0:
		return fmt.Errorf("%w: Options.RetryDelay is %v, want >= 0", ErrInvalidOptions, o.RetryDelay)
	case o.Linger < 0:
		return fmt.Errorf("%w: Options.Linger is %v, want >= 0", ErrInvalidOptions, o.Linger)
	}
	return nil
}
