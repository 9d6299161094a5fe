package persistence

import "errors"

var (
	// ErrNotFound is returned when the named record does not exist.
	ErrNotFound = errors.New("persistence: not found")
	// ErrConflict is returned when a create finds the record already there.
	ErrConflict = errors.New("persistence: already exists")
)
