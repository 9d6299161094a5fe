package elasticsearch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/legatohq/legato/pkg/visibility"
)

// Store is the Elasticsearch read model. It is safe for concurrent use:
// it holds no state besides the client and its options.
type Store struct {
	es   *elasticsearch.BaseClient
	opts Options
}

var _ visibility.Store = (*Store)(nil)

// New makes a store. It does not contact Elasticsearch: call EnsureIndices
// once at startup (or install schema/elasticsearch by other means) before
// the first Apply.
func New(opts Options) (*Store, error) {
	opts.EnsureDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	es, err := elasticsearch.NewBaseClient(elasticsearch.Config{
		Addresses:              opts.URLs,
		Username:               opts.Username,
		Password:               opts.Password,
		APIKey:                 opts.APIKey,
		CACert:                 opts.CACert,
		CertificateFingerprint: opts.CertificateFingerprint,
		Transport:              opts.Transport,
		// Whole requests a node could not take are retried by the client;
		// 429 too, which it leaves out by default. Items inside a 200 bulk
		// response are Apply's to retry.
		RetryOnStatus: []int{429, 502, 503, 504},
		RetryBackoff:  opts.backoff,
	})
	if err != nil {
		return nil, fmt.Errorf("elasticsearch: new client: %w", err)
	}
	return &Store{es: es, opts: opts}, nil
}

// Close releases the client's idle connections. The store must not be
// used after.
func (s *Store) Close() error {
	if err := s.es.Close(context.Background()); err != nil {
		return fmt.Errorf("elasticsearch: close: %w", err)
	}
	if t, ok := s.opts.Transport.(interface{ CloseIdleConnections() }); ok {
		t.CloseIdleConnections()
	}
	return nil
}

// Alias is the alias reads and writes of one kind ("workflows" or
// "tasks") go through.
func (s *Store) Alias(kind string) string { return s.opts.IndexPrefix + "-" + kind }

// ErrRequest marks a request Elasticsearch answered with an error status
// (after the client's retries); the message carries the status and
// Elasticsearch's error type and reason.
var ErrRequest = errors.New("elasticsearch: request failed")

// response is an answered request.
type response struct {
	status int
	body   []byte
}

// esError is the "error" of Elasticsearch's error responses.
type esError struct {
	Type      string    `json:"type"`
	Reason    string    `json:"reason"`
	RootCause []esError `json:"root_cause"`
}

func (r *response) err() esError {
	var e struct {
		Error esError `json:"error"`
	}
	_ = json.Unmarshal(r.body, &e) // an unreadable body leaves the type empty
	return e.Error
}

// failed wraps ErrRequest with what the response says.
func (r *response) failed(what string) error {
	e := r.err()
	reason := e.Reason
	if reason == "" {
		reason = strings.TrimSpace(string(r.body))
		if len(reason) > 512 {
			reason = reason[:512] + "…"
		}
	}
	return fmt.Errorf("%w: %s: status %d: %s: %s", ErrRequest, what, r.status, e.Type, reason)
}

// do sends one request; body is JSON, NDJSON (path ending in _bulk) or
// nil. Error statuses are returned as responses, transport failures as
// errors.
func (s *Store) do(ctx context.Context, method, path string, params url.Values, body []byte) (*response, error) {
	u := &url.URL{Path: path, RawQuery: params.Encode()}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, fmt.Errorf("elasticsearch: %s %s: %w", method, path, err)
	}
	if body != nil {
		ct := "application/json"
		if strings.HasSuffix(path, "/_bulk") {
			ct = "application/x-ndjson"
		}
		req.Header.Set("Content-Type", ct)
	}
	res, err := s.es.Perform(req)
	if err != nil {
		return nil, fmt.Errorf("elasticsearch: %s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("elasticsearch: %s %s: read response: %w", method, path, err)
	}
	return &response{status: res.StatusCode, body: b}, nil
}

func ok(status int) bool { return status >= 200 && status < 300 }
