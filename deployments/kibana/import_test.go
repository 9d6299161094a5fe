package kibana

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
)

// fakeKibana answers /api/status (503 for the first notReady polls) and
// /api/saved_objects/_import with importBody, after checking the request
// import.sh sends; a bad request is a 400 and a test error.
func fakeKibana(t *testing.T, notReady int32, importBody, user, password string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	want, err := os.ReadFile(ndjsonFile)
	if err != nil {
		t.Fatal(err)
	}
	var polls, imports atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if user != "" {
			if u, p, ok := r.BasicAuth(); !ok || u != user || p != password {
				t.Errorf("%s %s: basic auth %q %q %v", r.Method, r.URL, u, p, ok)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
		}
		switch r.URL.Path {
		case "/api/status":
			if polls.Add(1) <= notReady {
				w.WriteHeader(http.StatusServiceUnavailable)
				io.WriteString(w, "Kibana server is not ready yet")
				return
			}
			io.WriteString(w, `{"name":"kibana","status":{"overall":{"level":"available","summary":"All services and plugins are available"},"core":{"elasticsearch":{"level":"available"}}}}`)
		case "/api/saved_objects/_import":
			imports.Add(1)
			f, h, err := r.FormFile("file")
			var got []byte
			if err == nil {
				got, err = io.ReadAll(f)
			}
			switch {
			case r.Method != http.MethodPost || r.URL.Query().Get("overwrite") != "true" || r.Header.Get("kbn-xsrf") == "":
				t.Errorf("import: %s %s, kbn-xsrf %q", r.Method, r.URL, r.Header.Get("kbn-xsrf"))
			case err != nil:
				t.Errorf("import: form file: %v", err)
			case !strings.HasSuffix(h.Filename, ".ndjson") || !bytes.Equal(got, want):
				t.Errorf("import: file %q (%d bytes), want legato.ndjson as is", h.Filename, len(got))
			default:
				io.WriteString(w, importBody)
				return
			}
			w.WriteHeader(http.StatusBadRequest)
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL)
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &imports
}

// runImport runs import.sh with env against url, returning its output and
// whether it exited 0.
func runImport(t *testing.T, url string, env ...string) (string, bool) {
	t.Helper()
	for _, tool := range []string{"sh", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("import.sh needs %s: %v", tool, err)
		}
	}
	cmd := exec.Command("sh", "import.sh")
	cmd.Env = append(os.Environ(), "KIBANA_URL="+url, "KIBANA_WAIT_INTERVAL=0", "KIBANA_USER=", "KIBANA_PASSWORD=", "KIBANA_SPACE=", "NDJSON=")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if _, isExit := err.(*exec.ExitError); err != nil && !isExit {
		t.Fatal(err)
	}
	return string(out), err == nil
}

func TestImportScript(t *testing.T) {
	t.Run("success", func(t *testing.T) {
		t.Parallel()
		srv, imports := fakeKibana(t, 2, `{"successCount":9,"success":true,"warnings":[]}`, "elastic", `pa"ss\word`)
		out, ok := runImport(t, srv.URL+"/", "KIBANA_USER=elastic", `KIBANA_PASSWORD=pa"ss\word`)
		if !ok || imports.Load() != 1 || !strings.Contains(out, `"success":true`) {
			t.Errorf("import.sh: ok %v, %d imports, output:\n%s", ok, imports.Load(), out)
		}
	})
	t.Run("partial failure", func(t *testing.T) {
		t.Parallel()
		body := `{"successCount":8,"success":false,"errors":[{"id":"legato-overview","type":"dashboard","error":{"type":"missing_references"}}]}`
		srv, _ := fakeKibana(t, 0, body, "", "")
		out, ok := runImport(t, srv.URL)
		if ok || !strings.Contains(out, "missing_references") {
			t.Errorf("import.sh: ok %v, want a failure with the response, output:\n%s", ok, out)
		}
	})
	t.Run("never ready", func(t *testing.T) {
		t.Parallel()
		srv, imports := fakeKibana(t, 1<<30, "", "", "")
		out, ok := runImport(t, srv.URL, "KIBANA_WAIT_TIMEOUT=0")
		if ok || imports.Load() != 0 || !strings.Contains(out, "not ready") {
			t.Errorf("import.sh: ok %v, %d imports, output:\n%s", ok, imports.Load(), out)
		}
	})
}
