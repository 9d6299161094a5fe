package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// call is one raw HTTP exchange; tests check codes and bodies exactly as
// Conductor clients see them, which a typed client would hide.
type call struct {
	status int
	ctype  string
	body   []byte
}

// do sends one request; body is sent as is when a string or []byte and as
// JSON otherwise.
func do(t *testing.T, method, url string, body any) call {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return call{status: resp.StatusCode, ctype: resp.Header.Get("Content-Type"), body: b}
}

func (c call) want(t *testing.T, status int) call {
	t.Helper()
	if c.status != status {
		t.Fatalf("status %d, want %d; body %s", c.status, status, c.body)
	}
	return c
}

func (c call) json(t *testing.T, into any) {
	t.Helper()
	if err := json.Unmarshal(c.body, into); err != nil {
		t.Fatalf("body %q: %v", c.body, err)
	}
}

// errorBody checks Conductor's error shape and that the message says why.
func (c call) errorBody(t *testing.T, mentions string) {
	t.Helper()
	var e struct {
		Status  int    `json:"status"`
		Message string `json:"message"`
	}
	c.json(t, &e)
	if e.Status != c.status || !strings.Contains(e.Message, mentions) {
		t.Fatalf("error body %s: want status %d and a message mentioning %q", c.body, c.status, mentions)
	}
}
