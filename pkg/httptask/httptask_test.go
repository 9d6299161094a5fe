package httptask

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	r, err := Parse(map[string]any{"http_request": map[string]any{
		"uri": "http://example.test/x", "method": "post", "headers": map[string]any{"X-N": 3.0},
		"accept": []any{"text/plain", "application/json"}, "readTimeOut": 250.0, "body": map[string]any{"a": 1.0},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != "POST" || r.Headers["X-N"] != "3" || r.Accept != "text/plain, application/json" ||
		r.ReadTimeout != 250*time.Millisecond || r.ConnectionTimeout != DefaultTimeout || r.ContentType != "application/json" {
		t.Fatalf("parsed %+v", r)
	}
	if r, err := Parse(map[string]any{"uri": "https://example.test", "method": "GET"}); err != nil || r.URI != "https://example.test" {
		t.Fatalf("top-level keys: %v %v", r, err)
	}
	for name, in := range map[string]map[string]any{
		"no uri":     {"method": "GET"},
		"no method":  {"uri": "http://x.test"},
		"bad method": {"uri": "http://x.test", "method": "FETCH"},
		"not http":   {"uri": "ftp://x.test", "method": "GET"},
		"relative":   {"uri": "/x", "method": "GET"},
	} {
		if _, err := Parse(in); !errors.Is(err, ErrBadRequest) {
			t.Errorf("%s: err %v, want ErrBadRequest", name, err)
		}
	}
}

func TestDo(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		switch r.URL.Path {
		case "/json":
			w.Header().Set("X-Echo", r.Header.Get("X-Token"))
			w.Write([]byte(`{"got":` + string(b) + `,"n":2}`))
		case "/text":
			w.Write([]byte("plain " + r.Method))
		case "/missing":
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"error":"nope"}`))
		case "/slow":
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}
	}))
	defer srv.Close()
	var c Caller
	defer c.Close()
	ctx := context.Background()

	res := c.Do(ctx, &Request{URI: srv.URL + "/json", Method: "POST", Body: map[string]any{"a": 1.0},
		Headers: map[string]string{"X-Token": "t1"}, Accept: "application/json", ContentType: "application/json",
		ConnectionTimeout: time.Second, ReadTimeout: time.Second})
	resp := res.Output["response"].(map[string]any)
	body := resp["body"].(map[string]any)
	if res.Status != "COMPLETED" || resp["statusCode"] != 200 || body["n"] != 2.0 || body["got"].(map[string]any)["a"] != 1.0 ||
		resp["headers"].(map[string]any)["X-Echo"].([]any)[0] != "t1" || resp["reasonPhrase"] != "OK" {
		t.Fatalf("json call: %+v", res)
	}

	res = c.Do(ctx, &Request{URI: srv.URL + "/text", Method: "GET", ConnectionTimeout: time.Second, ReadTimeout: time.Second})
	if res.Status != "COMPLETED" || res.Output["response"].(map[string]any)["body"] != "plain GET" {
		t.Fatalf("text call: %+v", res)
	}

	res = c.Do(ctx, &Request{URI: srv.URL + "/missing", Method: "GET", ConnectionTimeout: time.Second, ReadTimeout: time.Second})
	if res.Status != "FAILED" || !strings.Contains(res.Reason, "404") || res.Output["response"].(map[string]any)["statusCode"] != 404 {
		t.Fatalf("404 call: %+v", res)
	}

	res = c.Do(ctx, &Request{URI: srv.URL + "/slow", Method: "GET", ConnectionTimeout: 100 * time.Millisecond, ReadTimeout: 100 * time.Millisecond})
	if res.Status != "FAILED" || !strings.Contains(res.Reason, "Failed to invoke HTTP task") {
		t.Fatalf("slow call: %+v", res)
	}

	srv.Close()
	res = c.Do(ctx, &Request{URI: srv.URL + "/json", Method: "GET", ConnectionTimeout: 100 * time.Millisecond, ReadTimeout: 100 * time.Millisecond})
	if res.Status != "FAILED" {
		t.Fatalf("call to a closed server: %+v", res)
	}
}
