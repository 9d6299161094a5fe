package indexer

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/legatohq/legato/pkg/visibility"
)

// Consumer is the far half of the distributed read side: it reads the
// visibility topic in a consumer group and applies the records to a
// visibility.Store, one Apply per polled batch, committing the batch's
// offsets only after the Apply succeeded.
type Consumer struct {
	opts ConsumerOptions
	cfg  kafka.ReaderConfig
	// applied and deadLettered count records, for tests and figures.
	applied      atomic.Int64
	deadLettered atomic.Int64
	cancel       context.CancelFunc
	done         sync.WaitGroup
}

// NewConsumer builds a Consumer; Start runs it.
func NewConsumer(opts ConsumerOptions) (*Consumer, error) {
	opts.EnsureDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	c := &Consumer{opts: opts}
	c.cfg = kafka.ReaderConfig{
		Brokers: opts.Brokers,
		GroupID: opts.GroupID,
		Topic:   opts.Topic,
		// A new group starts at the beginning: the topic holds every
		// record a store needs that the outbox no longer has.
		StartOffset: kafka.FirstOffset,
		MaxWait:     500 * time.Millisecond,
		// CommitInterval 0: CommitMessages commits before it returns.
		ErrorLogger: kafka.LoggerFunc(func(msg string, args ...any) {
			opts.Logger.Warn("indexer: kafka: "+fmt.Sprintf(msg, args...), "group", opts.GroupID)
		}),
	}
	if err := c.cfg.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidOptions, err)
	}
	return c, nil
}

// Start joins the group and consumes until Close.
func (c *Consumer) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	r := kafka.NewReader(c.cfg)
	c.done.Add(1)
	go func() {
		defer c.done.Done()
		defer r.Close() // leaves the group; its goroutines end before it returns
		c.run(ctx, r)
	}()
}

// Close stops the consumer and waits for it. Records fetched but not
// committed are delivered again, to this group's next member.
func (c *Consumer) Close() {
	if c.cancel != nil {
		c.cancel()
	}
	c.done.Wait()
}

// Applied is how many records the consumer has applied and committed.
func (c *Consumer) Applied() int64 { return c.applied.Load() }

// DeadLettered is how many undecodable records it has skipped (logged,
// and committed with their batch).
func (c *Consumer) DeadLettered() int64 { return c.deadLettered.Load() }

func (c *Consumer) run(ctx context.Context, r *kafka.Reader) {
	delay := c.opts.RetryDelay
	for ctx.Err() == nil {
		msgs, err := c.poll(ctx, r)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			c.opts.Logger.Warn("indexer: kafka fetch failed; retrying", "group", c.opts.GroupID, "err", err, "in", delay)
			if !wait(ctx, delay) {
				return
			}
			delay = min(2*delay, c.opts.MaxRetryDelay)
			continue
		}
		delay = c.opts.RetryDelay
		b, good := c.decode(msgs)
		// Apply before commit: a crash, a Close or a rebalance in between
		// delivers the batch again, which the version guard absorbs.
		if !c.apply(ctx, b) {
			return
		}
		if err := r.CommitMessages(ctx, msgs...); err != nil {
			if ctx.Err() != nil {
				return
			}
			c.opts.Logger.Warn("indexer: kafka commit failed; the records will be applied again", "group", c.opts.GroupID, "err", err)
		}
		c.applied.Add(int64(good))
	}
}

// poll blocks for a first record, then gathers more for up to Linger or
// BatchSize records.
func (c *Consumer) poll(ctx context.Context, r *kafka.Reader) ([]kafka.Message, error) {
	m, err := r.FetchMessage(ctx)
	if err != nil {
		return nil, err
	}
	msgs := []kafka.Message{m}
	lctx, cancel := context.WithTimeout(ctx, c.opts.Linger)
	defer cancel()
	for len(msgs) < c.opts.BatchSize {
		m, err := r.FetchMessage(lctx)
		if err != nil {
			break // linger over, or a fetch error the next poll reports
		}
		msgs = append(msgs, m)
	}
	return msgs, ctx.Err()
}

// decode turns msgs into one batch, dead-lettering those that are not
// visibility records, and returns how many were.
func (c *Consumer) decode(msgs []kafka.Message) (*visibility.Batch, int) {
	var b visibility.Batch
	good := 0
	for _, m := range msgs {
		_, rec, err := decodeRow(m)
		if err != nil {
			c.deadLettered.Add(1)
			c.opts.Logger.Error("indexer: dead-lettering an undecodable visibility record", "topic", m.Topic,
				"partition", m.Partition, "offset", m.Offset, "workflow_id", string(m.Key), "err", err)
			continue
		}
		b.Add(rec)
		good++
	}
	return &b, good
}

// apply applies b until it succeeds, waiting longer after each failure,
// and reports false if ctx ended first.
func (c *Consumer) apply(ctx context.Context, b *visibility.Batch) bool {
	if len(b.Workflows)+len(b.Tasks)+len(b.Removed) == 0 {
		return true
	}
	delay := c.opts.RetryDelay
	for {
		err := c.opts.Store.Apply(ctx, b)
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		c.opts.Logger.Error("indexer: applying visibility records failed; retrying", "group", c.opts.GroupID, "err", err, "in", delay)
		if !wait(ctx, delay) {
			return false
		}
		delay = min(2*delay, c.opts.MaxRetryDelay)
	}
}

// wait waits d and reports true, or false if ctx ends first.
func wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
