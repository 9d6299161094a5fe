package systask

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Defaults for Options fields left zero.
const (
	// DefaultPollers long-poll each task type's queue.
	DefaultPollers = 2
	// DefaultConcurrency bounds the calls and starts in flight.
	DefaultConcurrency = 64
	// DefaultPollTimeout is how long one poll waits for a task.
	DefaultPollTimeout = 5 * time.Second
)

// ErrInvalidOptions is wrapped by Validate and New.
var ErrInvalidOptions = errors.New("systask: invalid options")

// Options configure a Service. The zero value of a field means its
// default.
type Options struct {
	// Matching hands out the system tasks. Required.
	Matching Matching
	// History starts workflows and takes the results. Required.
	History History
	// Pollers is the number of pollers per task type. Default
	// DefaultPollers.
	Pollers int
	// Concurrency bounds the tasks being run at once, over all types; at
	// least Pollers. Default DefaultConcurrency.
	Concurrency int
	// PollTimeout bounds one poll's wait. Default DefaultPollTimeout.
	PollTimeout time.Duration
	// Logger receives results history did not take (warn) and failed
	// polls (debug). Nil discards.
	Logger *slog.Logger
}

// EnsureDefaults fills zero fields with their defaults.
func (o *Options) EnsureDefaults() {
	if o.Pollers == 0 {
		o.Pollers = DefaultPollers
	}
	if o.Concurrency == 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.PollTimeout == 0 {
		o.PollTimeout = DefaultPollTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// Validate names the first bad field of defaulted Options and its value.
func (o *Options) Validate() error {
	switch {
	case o.Matching == nil:
		return fmt.Errorf("%w: Options.Matching is nil, want a Matching", ErrInvalidOptions)
	case o.History == nil:
		return fmt.Errorf("%w: Options.History is nil, want a History", ErrInvalidOptions)
	case o.Pollers < 1:
		return fmt.Errorf("%w: Options.Pollers is %d, want >= 1", ErrInvalidOptions, o.Pollers)
	case o.Concurrency < o.Pollers:
		// Each poll asks for Concurrency/Pollers tasks: at least one.
		return fmt.Errorf("%w: Options.Concurrency is %d, want >= Pollers (%d)", ErrInvalidOptions, o.Concurrency, o.Pollers)
	case o.PollTimeout < 0:
		return fmt.Errorf("%w: Options.PollTimeout is %v, want >= 0", ErrInvalidOptions, o.PollTimeout)
	}
	return nil
}
