package sqlite

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalidOptions marks Options that Validate rejects.
var ErrInvalidOptions = errors.New("sqlite: invalid options")

// Options configure Open. The zero value of a field means its default.
type Options struct {
	// Path is the database file, created if missing. Required.
	Path string
	// BusyTimeout is how long a statement waits for a lock held by
	// another connection (default 5s).
	BusyTimeout time.Duration
	// ReadConns caps the search pool (default 4).
	ReadConns int
}

// EnsureDefaults fills the zero fields with their defaults.
func (o *Options) EnsureDefaults() {
	if o.BusyTimeout == 0 {
		o.BusyTimeout = 5 * time.Second
	}
	if o.ReadConns == 0 {
		o.ReadConns = 4
	}
}

// Validate names the first field out of range.
func (o *Options) Validate() error {
	switch {
	case o.Path == "":
		return fmt.Errorf("%w: Path is required", ErrInvalidOptions)
	case o.BusyTimeout < time.Millisecond:
		return fmt.Errorf("%w: BusyTimeout %v is under 1ms", ErrInvalidOptions, o.BusyTimeout)
	case o.ReadConns < 1:
		return fmt.Errorf("%w: ReadConns %d is under 1", ErrInvalidOptions, o.ReadConns)
	}
	return nil
}
