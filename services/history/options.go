package history

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/persistence"
)

// Options configure a Service. Zero values mean the defaults.
type Options struct {
	Exec     persistence.ExecutionStore
	Meta     persistence.MetadataStore
	Matching Matching
	// Shards is the number of shards; fixed for the life of the data.
	Shards int
	// MailboxSize bounds each shard's queue of waiting inputs.
	MailboxSize int
	// MaxRound bounds how many inputs one commit carries.
	MaxRound int
	// CacheSize is how many workflow states each shard keeps decoded.
	CacheSize int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Retention removes finished workflows this long after they end;
	// zero keeps them forever.
	Retention time.Duration
	// Scripts evaluates JavaScript and jq (SWITCH, DECISION, INLINE,
	// LAMBDA, JSON_JQ_TRANSFORM, DO_WHILE conditions); nil fails such
	// tasks.
	Scripts decider.Scripts
	// Events receives what committed EVENT tasks published to conductor
	// queues, until it reports each message handled; nil drops it (and
	// stores nothing).
	Events EventSink
	// Visibility is told of every round that wrote summaries to the
	// visibility outbox; nil writes none (the read side is off).
	Visibility VisibilitySink
	// Limits bound a workflow's size; zero fields mean the decider's
	// defaults.
	Limits decider.Limits
	// Getenv resolves ${NAME} environment expressions; nil means none.
	Getenv func(string) (string, bool)
	Logger *slog.Logger
}

// DefaultShards is the embedded default shard count.
const DefaultShards = 16

// ErrInvalidOptions is wrapped by Validate and New.
var ErrInvalidOptions = errors.New("history: invalid options")

// EnsureDefaults fills zero fields with their defaults.
func (o *Options) EnsureDefaults() {
	o.Limits.EnsureDefaults()
	if o.Shards == 0 {
		o.Shards = DefaultShards
	}
	if o.MailboxSize == 0 {
		o.MailboxSize = 4096
	}
	if o.MaxRound == 0 {
		o.MaxRound = 512
	}
	if o.CacheSize == 0 {
		o.CacheSize = 1024
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Validate names the first bad field of defaulted Options and its value.
func (o *Options) Validate() error {
	switch {
	case o.Exec == nil:
		return fmt.Errorf("%w: Options.Exec is nil, want a store", ErrInvalidOptions)
	case o.Meta == nil:
		return fmt.Errorf("%w: Options.Meta is nil, want a store", ErrInvalidOptions)
	case o.Matching == nil:
		return fmt.Errorf("%w: Options.Matching is nil, want a Matching", ErrInvalidOptions)
	case o.Shards < 1 || o.Shards > 65535:
		return fmt.Errorf("%w: Options.Shards is %d, want 1..65535", ErrInvalidOptions, o.Shards)
	case o.Retention < 0:
		return fmt.Errorf("%w: Options.Retention is %v, want >= 0", ErrInvalidOptions, o.Retention)
	case o.MailboxSize < 1:
		return fmt.Errorf("%w: Options.MailboxSize is %d, want >= 1", ErrInvalidOptions, o.MailboxSize)
	case o.MaxRound < 1:
		return fmt.Errorf("%w: Options.MaxRound is %d, want >= 1", ErrInvalidOptions, o.MaxRound)
	case o.CacheSize < 1:
		return fmt.Errorf("%w: Options.CacheSize is %d, want >= 1", ErrInvalidOptions, o.CacheSize)
	}
	if err := o.Limits.Validate(); err != nil {
		return fmt.Errorf("%w: Options.%v", ErrInvalidOptions, strings.TrimPrefix(err.Error(), "decider: "))
	}
	return nil
}
