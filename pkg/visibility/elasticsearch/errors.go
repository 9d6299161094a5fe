package elasticsearch

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrRejected: Elasticsearch refused some documents as invalid (a
	// 400-class item status other than 404 and 409). They are
	// dead-lettered: the rest of the batch is applied, and resending the
	// batch would be refused again.
	ErrRejected = errors.New("elasticsearch: documents rejected")
	// ErrUnavailable: some items still failed with 429 or 5xx after
	// Options.MaxRetries resends. The batch is not fully applied and must
	// be applied again (e.g. by not committing its offsets).
	ErrUnavailable = errors.New("elasticsearch: writes not applied")
)

// ItemError is one bulk item Apply did not apply.
type ItemError struct {
	Op      string // "index" or "delete"
	Index   string // the alias written through
	ID      string
	Version int64
	Status  int
	Type    string // Elasticsearch's error type, e.g. mapper_parsing_exception
	Reason  string
}

func (e ItemError) String() string {
	return fmt.Sprintf("%s %s/%s v%d: %d %s: %s", e.Op, e.Index, e.ID, e.Version, e.Status, e.Type, e.Reason)
}

// ApplyError is what Apply returns when items failed. errors.Is matches
// ErrUnavailable when Failed is non-empty and ErrRejected when Rejected
// is; an indexer checks ErrUnavailable first (redeliver the batch), then
// ErrRejected (dead-letter Rejected, then go on).
type ApplyError struct {
	Rejected []ItemError // dead-lettered
	Failed   []ItemError // still failing after Attempts tries
	Attempts int
}

// maxListed caps the items an error message names.
const maxListed = 10

func (e *ApplyError) Error() string {
	var parts []string
	if n := len(e.Failed); n > 0 {
		parts = append(parts, fmt.Sprintf("%d not applied after %d attempts (%s)", n, e.Attempts, list(e.Failed)))
	}
	if n := len(e.Rejected); n > 0 {
		parts = append(parts, fmt.Sprintf("%d rejected (%s)", n, list(e.Rejected)))
	}
	return "elasticsearch: apply: " + strings.Join(parts, "; ")
}

func (e *ApplyError) Is(target error) bool {
	return (target == ErrUnavailable && len(e.Failed) > 0) || (target == ErrRejected && len(e.Rejected) > 0)
}

func list(items []ItemError) string {
	var b strings.Builder
	for i, it := range items {
		if i == maxListed {
			fmt.Fprintf(&b, "; and %d more", len(items)-maxListed)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(it.String())
	}
	return b.String()
}
