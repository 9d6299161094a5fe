package indexer

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/legatohq/legato/pkg/visibility"
)

// ConsumerOptions configure a Consumer. Zero values mean the defaults.
type ConsumerOptions struct {
	// Brokers are the bootstrap brokers (host:port); required.
	Brokers []string
	// Topic is the visibility topic; DefaultTopic if empty.
	Topic string
	// GroupID is the consumer group; "legato-indexer" if empty. Every
	// group reads the whole topic, so two groups fill two stores.
	GroupID string
	// Store is where the records are applied; required.
	Store visibility.Store
	// BatchSize bounds the records one Store.Apply carries.
	BatchSize int
	// Linger is how long a batch keeps gathering records after its first
	// one, before it is applied.
	Linger time.Duration
	// RetryDelay is the wait after a failed Apply (or fetch); it doubles
	// on every failure in a row, up to MaxRetryDelay.
	RetryDelay    time.Duration
	MaxRetryDelay time.Duration
	Logger        *slog.Logger
}

// EnsureDefaults sets zero fields to their defaults.
func (o *ConsumerOptions) EnsureDefaults() {
	if o.Topic == "" {
		o.Topic = DefaultTopic
	}
	if o.GroupID == "" {
		o.GroupID = "legato-indexer"
	}
	if o.BatchSize == 0 {
		o.BatchSize = 5000
	}
	if o.Linger == 0 {
		o.Linger = 100 * time.Millisecond
	}
	if o.RetryDelay == 0 {
		o.RetryDelay = 100 * time.Millisecond
	}
	if o.MaxRetryDelay == 0 {
		o.MaxRetryDelay = 10 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Validate names the first bad field.
func (o *ConsumerOptions) Validate() error {
	switch {
	case len(o.Brokers) == 0:
		return fmt.Errorf("%w: ConsumerOptions.Brokers is required", ErrInvalidOptions)
	case o.Store == nil:
		return fmt.Errorf("%w: ConsumerOptions.Store is required", ErrInvalidOptions)
	case o.BatchSize < 1:
		return fmt.Errorf("%w: ConsumerOptions.BatchSize is %d, want >= 1", ErrInvalidOptions, o.BatchSize)
	case o.Linger < 0:
		return fmt.Errorf("%w: ConsumerOptions.Linger is %v, want >= 0", ErrInvalidOptions, o.Linger)
	case o.RetryDelay < 0:
		return fmt.Errorf("%w: ConsumerOptions.RetryDelay is %v, want >= 0", ErrInvalidOptions, o.RetryDelay)
	case o.MaxRetryDelay < o.RetryDelay:
		return fmt.Errorf("%w: ConsumerOptions.MaxRetryDelay is %v, want >= RetryDelay (%v)", ErrInvalidOptions, o.MaxRetryDelay, o.RetryDelay)
	}
	return nil
}
