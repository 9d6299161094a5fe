package frontend

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/persistence"
	"github.com/legatohq/legato/pkg/workflow"
)

func TestHealth(t *testing.T) {
	h := newServer(t, Options{}).Handler()
	for _, p := range []string{"/health", "/api/health"} {
		r := do(t, h, "GET", p, "").want(t, 200)
		if r.Body != `{"healthResults":[],"suppressedHealthResults":[],"healthy":true}` || r.Type != "application/json" {
			t.Errorf("%s: %s %q", p, r.Type, r.Body)
		}
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	if _, err := New(Options{MaxBodyBytes: -1}); err == nil || !strings.Contains(err.Error(), "MaxBodyBytes") {
		t.Errorf("MaxBodyBytes -1: %v", err)
	}
	if _, err := New(Options{MaxPollTimeout: -1}); err == nil || !strings.Contains(err.Error(), "MaxPollTimeout") {
		t.Errorf("MaxPollTimeout -1: %v", err)
	}
}

func TestUnknownRouteIsJSON404(t *testing.T) {
	h := newServer(t, Options{}).Handler()
	do(t, h, "GET", "/api/nope", "").wantError(t, 404, "GET /api/nope")
	do(t, h, "GET", "/nope", "").wantError(t, 404)
}

func TestWrongMethodIsJSON405(t *testing.T) {
	h := newServer(t, Options{}).Handler()
	do(t, h, "PATCH", "/api/health", "").wantError(t, 405, "PATCH")
}

func TestMissingCollaboratorIs503(t *testing.T) {
	h := newServer(t, Options{}).Handler()
	do(t, h, "GET", "/api/metadata/taskdefs", "").wantError(t, 503, "metadata store")
	do(t, h, "GET", "/api/workflow/w1", "").wantError(t, 503, "history service")
	do(t, h, "GET", "/api/tasks/poll/batch/t", "").wantError(t, 503, "matching service")
}

func TestBodyTooLarge(t *testing.T) {
	s := newServer(t, Options{Meta: openMeta(t), MaxBodyBytes: 64})
	big := `[{"name":"` + strings.Repeat("x", 100) + `"}]`

	// Length announced up front.
	do(t, s.Handler(), "POST", "/api/metadata/taskdefs", big).wantError(t, 413, "exceeds the limit of 64 bytes")

	// Length unknown (chunked): the limit trips while reading.
	req := httptest.NewRequest("POST", "/api/metadata/taskdefs", strings.NewReader(big))
	req.ContentLength = -1
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	reply{Code: rec.Code, Type: rec.Header().Get("Content-Type"), Body: rec.Body.String()}.
		wantError(t, 413, "exceeds the limit of 64 bytes")

	// Just under the limit is fine.
	do(t, s.Handler(), "POST", "/api/metadata/taskdefs", `[{"name":"small"}]`).want(t, 200)
}

func TestMalformedJSONIs400(t *testing.T) {
	h := newServer(t, Options{Meta: openMeta(t)}).Handler()
	do(t, h, "POST", "/api/metadata/workflow", `{"name":`).wantError(t, 400, "not valid JSON")
	do(t, h, "POST", "/api/metadata/taskdefs", `[{"name":"a"}] trailing`).wantError(t, 400, "not valid JSON")
	do(t, h, "POST", "/api/metadata/taskdefs", `{"name":"a"}`).wantError(t, 400, "expected shape")
	do(t, h, "POST", "/api/metadata/workflow", `{"name":"w","version":"one"}`).wantError(t, 400, "version")
	do(t, h, "POST", "/api/metadata/workflow", "").wantError(t, 400, "body is required")
}

func TestStatusOf(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{api.Errorf(api.KindInvalid, "x"), 400},
		{api.Errorf(api.KindNotFound, "x"), 404},
		{api.Errorf(api.KindConflict, "x"), 409},
		{api.Errorf(api.KindTooLarge, "x"), 413},
		{api.Errorf(api.KindUnavailable, "x"), 503},
		{api.Errorf(api.KindInternal, "x"), 500},
		{fmt.Errorf("wrapped: %w", api.Errorf(api.KindNotFound, "x")), 404},
		{fmt.Errorf("task def x: %w", persistence.ErrNotFound), 404},
		{fmt.Errorf("wf x: %w", persistence.ErrConflict), 409},
		{&workflow.ValidationError{Kind: "workflow", Name: "w"}, 400},
		{fmt.Errorf("w: %w", workflow.ErrInvalid), 400},
		{&http.MaxBytesError{Limit: 1}, 413},
		{fmt.Errorf("poll: %w", context.DeadlineExceeded), 503},
		{errors.New("disk on fire"), 500},
	}
	for _, tt := range tests {
		if got := statusOf(tt.err); got != tt.want {
			t.Errorf("statusOf(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}
