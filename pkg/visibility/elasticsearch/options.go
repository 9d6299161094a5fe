package elasticsearch

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"time"
)

// ErrInvalidOptions marks Options that Validate rejects.
var ErrInvalidOptions = errors.New("elasticsearch: invalid options")

// Options configure New. The zero value of a field means its default.
type Options struct {
	// URLs are the nodes' addresses, e.g. "http://localhost:9200".
	// Required.
	URLs []string
	// IndexPrefix names everything the store creates: the aliases
	// <prefix>-workflows and <prefix>-tasks, their indices and templates
	// (default "legato"). Lower case letters, digits, '-' and '_'.
	IndexPrefix string
	// Username and Password authenticate with HTTP basic auth; APIKey
	// (base64 "id:key", as Elasticsearch issues it) instead of them.
	Username, Password string
	APIKey             string
	// CACert is a PEM bundle trusted for https URLs, and
	// CertificateFingerprint the hex SHA-256 of the node's certificate, as
	// Elasticsearch 8 prints at first start. Either, or neither with a
	// Transport that knows its roots.
	CACert                 []byte
	CertificateFingerprint string
	// Transport carries the requests (default http.DefaultTransport's
	// equivalent, made by the client). Tests and proxies set it.
	Transport http.RoundTripper
	// Refresh is the refresh parameter of Apply's writes: "" (default: let
	// the index's 1s refresh_interval make them searchable), "wait_for"
	// (Apply returns once they are searchable: tests), or "true" (forces a
	// refresh per Apply: never in production).
	Refresh string
	// MaxRetries bounds how often Apply resends the items Elasticsearch
	// answered 429 or 5xx (default 5); RetryBackoff is the first wait,
	// doubled per attempt up to 32 times it (default 100ms).
	MaxRetries   int
	RetryBackoff time.Duration
	// MaxBulkBytes splits a batch's bulk into requests of about this many
	// bytes (default 16 MiB; Elasticsearch refuses requests over its
	// http.max_content_length, 100 MB by default).
	MaxBulkBytes int
}

var validPrefix = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// EnsureDefaults fills the zero fields with their defaults.
func (o *Options) EnsureDefaults() {
	if o.IndexPrefix == "" {
		o.IndexPrefix = "legato"
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = 5
	}
	if o.RetryBackoff == 0 {
		o.RetryBackoff = 100 * time.Millisecond
	}
	if o.MaxBulkBytes == 0 {
		o.MaxBulkBytes = 16 << 20
	}
}

// Validate names the first field out of range.
func (o *Options) Validate() error {
	switch {
	case len(o.URLs) == 0:
		return fmt.Errorf("%w: URLs is required", ErrInvalidOptions)
	case !validPrefix.MatchString(o.IndexPrefix) || len(o.IndexPrefix) > 200:
		return fmt.Errorf("%w: IndexPrefix %q must be 1-200 of a-z, 0-9, '-' and '_', not starting with '-' or '_'", ErrInvalidOptions, o.IndexPrefix)
	case o.APIKey != "" && (o.Username != "" || o.Password != ""):
		return fmt.Errorf("%w: APIKey and Username/Password are exclusive", ErrInvalidOptions)
	case o.Password != "" && o.Username == "":
		return fmt.Errorf("%w: Password is set without Username", ErrInvalidOptions)
	case o.Refresh != "" && o.Refresh != "wait_for" && o.Refresh != "true":
		return fmt.Errorf("%w: Refresh %q must be \"\", \"wait_for\" or \"true\"", ErrInvalidOptions, o.Refresh)
	case o.MaxRetries < 0:
		return fmt.Errorf("%w: MaxRetries %d is negative", ErrInvalidOptions, o.MaxRetries)
	case o.RetryBackoff < time.Millisecond:
		return fmt.Errorf("%w: RetryBackoff %v is under 1ms", ErrInvalidOptions, o.RetryBackoff)
	case o.MaxBulkBytes < 1<<10 || o.MaxBulkBytes > 100<<20:
		return fmt.Errorf("%w: MaxBulkBytes %d is outside 1 KiB to 100 MiB", ErrInvalidOptions, o.MaxBulkBytes)
	}
	return nil
}
