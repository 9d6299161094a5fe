package httptask

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Result is the task's outcome: its status, output and reason.
type Result struct {
	Status string
	Output map[string]any
	Reason string
}

// MaxResponseBytes bounds the response body kept in the task output.
const MaxResponseBytes = 4 << 20

// Caller performs requests, keeping one connection pool per connect
// timeout in use (tasks rarely use more than a few). The zero value is
// ready to use.
type Caller struct {
	transports sync.Map // time.Duration -> *http.Transport
}

// Close releases idle connections.
func (c *Caller) Close() {
	c.transports.Range(func(_, t any) bool {
		t.(*http.Transport).CloseIdleConnections()
		return true
	})
}

// Do performs r within ctx and the request's own timeouts.
func (c *Caller) Do(ctx context.Context, r *Request) Result {
	body, err := encodeBody(r)
	if err != nil {
		return Result{Status: "FAILED_WITH_TERMINAL_ERROR", Reason: err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, r.ConnectionTimeout+r.ReadTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URI, body)
	if err != nil {
		return Result{Status: "FAILED_WITH_TERMINAL_ERROR", Reason: err.Error()}
	}
	for k, v := range r.Headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Accept", r.Accept)
	if body != nil {
		req.Header.Set("Content-Type", r.ContentType)
	}
	hc := &http.Client{Transport: c.transport(r.ConnectionTimeout)}
	resp, err := hc.Do(req)
	if err != nil {
		return Result{Status: "FAILED", Reason: "Failed to invoke HTTP task due to: " + err.Error()}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		return Result{Status: "FAILED", Reason: "Failed to invoke HTTP task due to: reading the response: " + err.Error()}
	}
	if len(raw) > MaxResponseBytes {
		return Result{Status: "FAILED", Reason: fmt.Sprintf("Failed to invoke HTTP task due to: response body over %d bytes", MaxResponseBytes)}
	}
	phrase := reasonPhrase(resp)
	out := map[string]any{"response": response(resp, raw, phrase)}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return Result{Status: "FAILED", Output: out,
			Reason: fmt.Sprintf("Failed to invoke HTTP task due to: status %d %s from %s %s", resp.StatusCode, phrase, r.Method, r.URI)}
	}
	return Result{Status: "COMPLETED", Output: out}
}

// transport bounds connection set-up separately from the whole exchange.
func (c *Caller) transport(connect time.Duration) *http.Transport {
	if t, ok := c.transports.Load(connect); ok {
		return t.(*http.Transport)
	}
	t, _ := c.transports.LoadOrStore(connect, &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: connect}).DialContext,
		TLSHandshakeTimeout: connect,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
	})
	return t.(*http.Transport)
}

func encodeBody(r *Request) (io.Reader, error) {
	switch b := r.Body.(type) {
	case nil:
		return nil, nil
	case string:
		return strings.NewReader(b), nil
	default:
		j, err := json.Marshal(b)
		if err != nil {
			return nil, fmt.Errorf("httptask: body cannot be encoded as JSON: %w", err)
		}
		return bytes.NewReader(j), nil
	}
}

func response(resp *http.Response, raw []byte, phrase string) map[string]any {
	headers := make(map[string]any, len(resp.Header))
	for k, vs := range resp.Header {
		l := make([]any, len(vs))
		for i, v := range vs {
			l[i] = v
		}
		headers[k] = l
	}
	var body any
	if len(raw) == 0 || json.Unmarshal(raw, &body) != nil {
		body = string(raw) // copied only when it is not JSON
	}
	return map[string]any{
		"statusCode":   resp.StatusCode,
		"reasonPhrase": phrase,
		"headers":      headers,
		"body":         body,
	}
}

func reasonPhrase(resp *http.Response) string {
	return strings.TrimSpace(strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode)))
}
