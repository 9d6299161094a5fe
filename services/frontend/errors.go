package frontend

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"

	"github.com/gin-gonic/gin"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/persistence"
	"github.com/legatohq/legato/pkg/visibility"
	"github.com/legatohq/legato/pkg/workflow"
)

// errorBody is Conductor's ErrorResponse.
type errorBody struct {
	Status           int               `json:"status"`
	Message          string            `json:"message"`
	Instance         string            `json:"instance"`
	Retryable        bool              `json:"retryable"`
	ValidationErrors []validationError `json:"validationErrors,omitempty"`
}

type validationError struct {
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
}

// statusOf picks the HTTP status for err. This is the only place errors
// become status codes.
func statusOf(err error) int {
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, workflow.ErrInvalid), errors.Is(err, visibility.ErrInvalidQuery):
		return http.StatusBadRequest
	case errors.Is(err, persistence.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, persistence.ErrConflict):
		return http.StatusConflict
	}
	switch api.KindOf(err) {
	case api.KindInvalid:
		return http.StatusBadRequest
	case api.KindNotFound:
		return http.StatusNotFound
	case api.KindConflict:
		return http.StatusConflict
	case api.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case api.KindUnavailable:
		return http.StatusServiceUnavailable
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		// A collaborator gave up waiting: the request may be tried again.
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// fail answers with Conductor's error body for err and stops the handler
// chain. Server errors are logged here, once; client errors are not.
func (s *Server) fail(c *gin.Context, err error) {
	code := statusOf(err)
	body := errorBody{
		Status:    code,
		Message:   err.Error(),
		Instance:  s.instance,
		Retryable: code == http.StatusServiceUnavailable,
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		body.Message = fmt.Sprintf("request body exceeds the limit of %d bytes", tooLarge.Limit)
	}
	var ve *workflow.ValidationError
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			body.ValidationErrors = append(body.ValidationErrors, validationError{Path: p.Path, Message: p.Message})
		}
	}
	// A failure caused by the client going away is not a server error.
	if code >= 500 && c.Request.Context().Err() == nil {
		s.log.ErrorContext(c.Request.Context(), "request failed",
			"method", c.Request.Method, "path", c.Request.URL.Path, "status", code, "err", err)
	}
	writeJSON(c, code, body)
	c.Abort()
}

// invalid is shorthand for a 400 error.
func invalid(format string, args ...any) error {
	return api.Errorf(api.KindInvalid, format, args...)
}

// notFound is shorthand for a 404 error.
func notFound(format string, args ...any) error {
	return api.Errorf(api.KindNotFound, format, args...)
}

// conflict is shorthand for a 409 error.
func conflict(format string, args ...any) error {
	return api.Errorf(api.KindConflict, format, args...)
}

func (s *Server) noRoute(c *gin.Context) {
	s.fail(c, notFound("no API route for %s %s", c.Request.Method, c.Request.URL.Path))
}

func (s *Server) noMethod(c *gin.Context) {
	writeJSON(c, http.StatusMethodNotAllowed, errorBody{
		Status:   http.StatusMethodNotAllowed,
		Message:  fmt.Sprintf("method %s is not supported for %s", c.Request.Method, c.Request.URL.Path),
		Instance: s.instance,
	})
	c.Abort()
}

// recovery turns a panic in a handler into a logged 500 with the error
// body, instead of a dropped connection.
func (s *Server) recovery(c *gin.Context) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if r == http.ErrAbortHandler {
			panic(r)
		}
		s.log.ErrorContext(c.Request.Context(), "panic serving request",
			"method", c.Request.Method, "path", c.Request.URL.Path, "panic", r, "stack", string(debug.Stack()))
		if c.Writer.Written() {
			c.Abort()
			return
		}
		writeJSON(c, http.StatusInternalServerError, errorBody{
			Status: http.StatusInternalServerError, Message: fmt.Sprintf("internal error: %v", r), Instance: s.instance,
		})
		c.Abort()
	}()
	c.Next()
}

// need aborts with 503 when a collaborator the route needs was not
// configured.
func (s *Server) need(what string, ok bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !ok {
			s.fail(c, api.Errorf(api.KindUnavailable, "the %s is not configured in this frontend", what))
		}
	}
}
