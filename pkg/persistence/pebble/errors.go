package pebble

import "errors"

var (
	// ErrInvalidKey is returned when a row names a field the key layout
	// cannot hold: a NUL byte in a separated field, a shard or version out
	// of range. Nothing of the batch is written.
	ErrInvalidKey = errors.New("persistence/pebble: invalid key field")
	// ErrInvalidOptions is returned by Options.Validate and Open.
	ErrInvalidOptions = errors.New("persistence/pebble: invalid options")
)
