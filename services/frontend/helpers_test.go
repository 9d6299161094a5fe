package frontend

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/goleak"

	"github.com/legatohq/legato/pkg/persistence/pebble"
)

func TestMain(m *testing.M) {
	// gin's mode is process-wide; release mode only silences its debug
	// route listing, which would otherwise flood the test output.
	gin.SetMode(gin.ReleaseMode)
	goleak.VerifyTestMain(m)
}

// testNow is the fixed clock of every test server.
var testNow = time.UnixMilli(1_700_000_000_000)

// newServer builds a Server with a fixed clock; opts may leave any
// collaborator nil.
func newServer(t *testing.T, opts Options) *Server {
	t.Helper()
	opts.Now = func() time.Time { return testNow }
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// openMeta opens a real Pebble metadata store in a temporary directory.
func openMeta(t *testing.T) *pebble.Store {
	t.Helper()
	st, err := pebble.Open(pebble.Options{Dir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	})
	return st
}

// reply is a recorded HTTP answer.
type reply struct {
	Code int
	Type string
	Body string
}

func (r reply) json(t *testing.T, v any) {
	t.Helper()
	if !strings.HasPrefix(r.Type, "application/json") {
		t.Fatalf("Content-Type %q, want application/json (body %s)", r.Type, r.Body)
	}
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// do sends one request to h; a body of "" sends none.
func do(t *testing.T, h http.Handler, method, path, body string) reply {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return reply{Code: rec.Code, Type: rec.Header().Get("Content-Type"), Body: rec.Body.String()}
}

// want fails the test unless r has the status code.
func (r reply) want(t *testing.T, code int) reply {
	t.Helper()
	if r.Code != code {
		t.Fatalf("status %d, want %d; body %s", r.Code, code, r.Body)
	}
	return r
}

// wantError checks Conductor's error body and that its message contains
// each of msgs.
func (r reply) wantError(t *testing.T, code int, msgs ...string) errorBody {
	t.Helper()
	r.want(t, code)
	var e errorBody
	r.json(t, &e)
	if e.Status != code || e.Instance == "" || e.Message == "" {
		t.Errorf("error body %s: want status %d, an instance and a message", r.Body, code)
	}
	if e.Retryable != (code == http.StatusServiceUnavailable) {
		t.Errorf("error body %s: retryable %v", r.Body, e.Retryable)
	}
	for _, m := range msgs {
		if !strings.Contains(e.Message, m) {
			t.Errorf("error message %q does not contain %q", e.Message, m)
		}
	}
	return e
}
