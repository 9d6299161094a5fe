package client

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	json "github.com/goccy/go-json"
)

// Defaults for the options. A zero or negative value given to an Option
// means "use the default".
const (
	DefaultRequestTimeout = 30 * time.Second
	DefaultRetryMin       = 10 * time.Millisecond
	DefaultRetryMax       = time.Second
	DefaultShutdownGrace  = 10 * time.Second
)

// Client talks to a Legato (or Conductor) server over its REST API. It is
// safe for concurrent use; create one per server and share it, so that all
// requests share one pool of keep-alive connections.
type Client struct {
	api string // base URL including the /api prefix, no trailing slash
	hc  *http.Client
	log *slog.Logger

	retryMin, retryMax time.Duration
	shutdownGrace      time.Duration
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient makes the client send its requests through hc instead of
// its own tuned client. Use it to add instrumentation; build the transport
// with NewTransport to keep the connection pool sizing.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc != nil {
			c.hc = hc
		}
	}
}

// WithLogger sets the logger the worker runner reports failures to. The
// default discards everything.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) {
		if l != nil {
			c.log = l
		}
	}
}

// WithRetryBackoff sets the first and the largest delay between attempts of
// a retried request (task updates). Defaults: DefaultRetryMin, DefaultRetryMax.
func WithRetryBackoff(minDelay, maxDelay time.Duration) Option {
	return func(c *Client) {
		if minDelay > 0 {
			c.retryMin = minDelay
		}
		if maxDelay > 0 {
			c.retryMax = maxDelay
		}
	}
}

// WithShutdownGrace sets how long RunWorkers keeps trying to report results
// of tasks that were executing when its context was cancelled. Default:
// DefaultShutdownGrace.
func WithShutdownGrace(d time.Duration) Option {
	return func(c *Client) {
		if d > 0 {
			c.shutdownGrace = d
		}
	}
}

// NewTransport returns the transport New uses: keep-alives on and a pool
// large enough that thousands of requests per second to one server reuse
// connections instead of opening new ones.
func NewTransport() *http.Transport {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           d.DialContext,
		MaxIdleConns:          2048,
		MaxIdleConnsPerHost:   1024,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ExpectContinueTimeout: time.Second,
		ForceAttemptHTTP2:     true,
	}
}

// New returns a client for the server at baseURL, e.g.
// "http://127.0.0.1:8080". A trailing "/api" is accepted and not doubled.
func New(baseURL string, opts ...Option) *Client {
	base := strings.TrimRight(baseURL, "/")
	base = strings.TrimSuffix(base, "/api")
	c := &Client{
		api:           base + "/api",
		hc:            &http.Client{Transport: NewTransport(), Timeout: DefaultRequestTimeout},
		log:           slog.New(slog.DiscardHandler),
		retryMin:      DefaultRetryMin,
		retryMax:      DefaultRetryMax,
		shutdownGrace: DefaultShutdownGrace,
	}
	for _, o := range opts {
		o(c)
	}
	if c.retryMax < c.retryMin {
		c.retryMax = c.retryMin
	}
	return c
}

// CloseIdleConnections closes the kept-alive connections of the client's
// own transport. Call it when done with the client; it is not needed for
// correctness, only to release sockets early.
func (c *Client) CloseIdleConnections() {
	c.hc.CloseIdleConnections()
}

// textBody marks a response that is a plain-text string (ids), which
// Conductor sends as text/plain but some servers send as a JSON string.
type textBody struct{ s string }

// do sends one request and decodes a 2xx response into out (nil: discard;
// *textBody: plain text; anything else: JSON). It returns the HTTP status.
// A 204 or an empty body leaves out untouched. A non-2xx answer is an *Error.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, body, out any) (int, error) {
	u := c.api + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, fmt.Errorf("client: encode %s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return 0, fmt.Errorf("client: %s %s: %w", method, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json, text/plain")
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%w: %s %s: %w", ErrTransport, method, path, err)
	}
	// Reading the body to the end lets the transport reuse the connection.
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return resp.StatusCode, fmt.Errorf("%w: %s %s: read body: %w", ErrTransport, method, path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, parseError(resp.StatusCode, data)
	}
	if out == nil || resp.StatusCode == http.StatusNoContent || len(bytes.TrimSpace(data)) == 0 {
		return resp.StatusCode, nil
	}
	if tb, ok := out.(*textBody); ok {
		tb.s = decodeText(data)
		return resp.StatusCode, nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return resp.StatusCode, fmt.Errorf("client: %s %s: decode response: %w", method, path, err)
	}
	return resp.StatusCode, nil
}

// decodeText returns a text/plain body as a string, unquoting it when the
// server sent a JSON string instead.
func decodeText(data []byte) string {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '"' {
		var s string
		if json.Unmarshal(data, &s) == nil {
			return s
		}
	}
	return string(data)
}

// retry runs op until it succeeds, fails with an error that retrying cannot
// fix (see Temporary), or ctx is done. The delay doubles from retryMin up to
// retryMax.
func (c *Client) retry(ctx context.Context, op func() error) error {
	delay := c.retryMin
	for {
		err := op()
		if err == nil || !Temporary(err) {
			return err
		}
		if ctx.Err() != nil || !sleep(ctx, delay) {
			return fmt.Errorf("client: gave up retrying: %w", err)
		}
		delay = min(2*delay, c.retryMax)
	}
}

// sleep waits for d or until ctx is done; it reports whether d elapsed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func pathEscape(s string) string { return url.PathEscape(s) }
