package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// ErrTransport marks a request that got no HTTP answer: the connection was
// refused or broke, or the request timed out. The server may or may not have
// acted on it.
var ErrTransport = errors.New("client: transport error")

// Error is a non-2xx answer from the server. Status is the HTTP status;
// Message is the server's explanation (Conductor's error body
// {status, message, ...}), or the raw body when it was not JSON.
type Error struct {
	Status  int
	Message string
	// Retryable is the server's own hint from the error body, if it sent one.
	Retryable bool
}

func (e *Error) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("client: HTTP %d %s", e.Status, http.StatusText(e.Status))
	}
	return fmt.Sprintf("client: HTTP %d: %s", e.Status, e.Message)
}

// errorBody is Conductor's error response; only the fields we use.
type errorBody struct {
	Status    int    `json:"status"`
	Message   string `json:"message"`
	Retryable bool   `json:"retryable"`
}

// parseError builds the *Error for a non-2xx response with body data.
func parseError(status int, data []byte) *Error {
	e := &Error{Status: status}
	var b errorBody
	if json.Unmarshal(data, &b) == nil && b.Message != "" {
		e.Message = b.Message
		e.Retryable = b.Retryable
		return e
	}
	msg := strings.TrimSpace(string(data))
	const maxRaw = 512 // an HTML error page is no use in full
	if len(msg) > maxRaw {
		msg = msg[:maxRaw] + "…"
	}
	e.Message = msg
	return e
}

// StatusOf returns the HTTP status of err if it is (or wraps) an *Error, 0
// otherwise.
func StatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// IsNotFound reports whether err is a 404 answer.
func IsNotFound(err error) bool { return StatusOf(err) == http.StatusNotFound }

// IsConflict reports whether err is a 409 answer.
func IsConflict(err error) bool { return StatusOf(err) == http.StatusConflict }

// Temporary reports whether sending the same request again may succeed: the
// server was unreachable (ErrTransport) or answered 5xx, 408 or 429. A
// cancelled context is never temporary.
func Temporary(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, ErrTransport) {
		return true
	}
	switch s := StatusOf(err); {
	case s >= 500, s == http.StatusTooManyRequests, s == http.StatusRequestTimeout:
		return true
	}
	return false
}
