// Package visibility is the read side's model (DESIGN.md, "Read side"):
// the workflow and task summaries the indexer projects from history's
// visibility outbox, and the searches and analytics (analytics.go) the
// API answers from them.
//
// Summaries are kept per id at their highest EventVersion (the workflow's
// event id when the summary was made), so a batch applied twice, or two
// batches applied out of order, leave the newest summary in place.
// Searches are eventually consistent with history: the lag is what the
// indexer has not applied yet.
package visibility

import (
	"context"
	"errors"

	"github.com/legatohq/legato/pkg/api"
)

// Store holds the read model. Backends: sqlite/ (embedded) and
// elasticsearch/ (distributed).
type Store interface {
	// Apply writes one batch in one transaction: each summary only if its
	// EventVersion is at least the stored one's, and the removal of the
	// Removed workflows' summaries and their tasks'.
	Apply(ctx context.Context, b *Batch) error
	// SearchWorkflows answers Conductor's workflow search.
	SearchWorkflows(ctx context.Context, q Query) (*Page[api.WorkflowSummary], error)
	// SearchTasks answers Conductor's task search.
	SearchTasks(ctx context.Context, q Query) (*Page[api.TaskSummary], error)
	Close() error
}

// Batch is what the indexer applies at once.
type Batch struct {
	Workflows []api.WorkflowSummary
	Tasks     []api.TaskSummary
	// Removed are workflows deleted from history (remove, retention).
	Removed []string
}

// Query is a search as Conductor's API takes it.
type Query struct {
	// Query is Conductor's query grammar: field op value, with = != > <
	// >= <= IN, NOT IN, IS NULL, IS NOT NULL, BETWEEN, STARTS_WITH, AND,
	// OR and parentheses; values quoted or bare. Empty: everything.
	Query string
	// FreeText are terms and quoted phrases matched against ids,
	// correlation id, type, status, reason, input and output; "" or "*"
	// matches everything.
	FreeText string
	// Sort is field[:ASC|DESC] joined by "|"; empty: startTime DESC for
	// workflows, updateTime DESC for tasks, the id breaking ties.
	Sort string
	// Start and Size page the hits: Size at most MaxSize, Start+Size at
	// most MaxWindow. Size 0 means 100, Conductor's default.
	Start, Size int
}

// Paging limits, as Elasticsearch's (max_result_window).
const (
	MaxSize   = 5000
	MaxWindow = 10000
)

// Page is one page of hits and how many there are in all.
type Page[T any] struct {
	TotalHits int64
	Results   []T
}

// ErrInvalidQuery marks a search that cannot be run as asked: a malformed
// query (the error names the position and what was expected), an unknown
// or unsortable field (it lists the valid ones), or paging past the
// limits. The API answers it with 400.
var ErrInvalidQuery = errors.New("visibility: invalid query")
