package api

import (
	"errors"
	"fmt"
)

// Kind classifies an error so the frontend can choose the HTTP status.
type Kind int

const (
	KindInternal    Kind = iota
	KindInvalid          // 400: the request is malformed or names something invalid
	KindNotFound         // 404: the named workflow, task or definition does not exist
	KindConflict         // 409: the request conflicts with current state
	KindTooLarge         // 413: the payload exceeds a configured limit
	KindUnavailable      // 503: the server is shutting down or overloaded
)

// Error is an error with a kind and a message a person can act on.
type Error struct {
	Kind    Kind
	Message string
	// Err is the cause, if any, for errors.Is and errors.As.
	Err error
}

func (e *Error) Error() string { return e.Message }

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of kind k.
func Errorf(k Kind, format string, args ...any) error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// KindOf returns the kind of err, KindInternal when it carries none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}
