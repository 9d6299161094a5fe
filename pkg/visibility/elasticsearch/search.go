package elasticsearch

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/visibility"
	"github.com/legatohq/legato/pkg/visibility/query"
)

// SearchWorkflows answers a workflow search; errors from the query wrap
// visibility.ErrInvalidQuery.
func (s *Store) SearchWorkflows(ctx context.Context, q visibility.Query) (*visibility.Page[api.WorkflowSummary], error) {
	return search(ctx, s, workflows, q)
}

// SearchTasks answers a task search, like SearchWorkflows.
func (s *Store) SearchTasks(ctx context.Context, q visibility.Query) (*visibility.Page[api.TaskSummary], error) {
	return search(ctx, s, tasks, q)
}

// freeTextMode is how a search body matches free text.
type freeTextMode int

const (
	queryString       freeTextMode = iota // Lucene syntax: field:value, OR, wildcards
	simpleQueryString                     // never fails to parse; the fallback
)

// searchBody is the body of a _search for srch. Free text is the raw
// parameter, matched as a query_string (or simple_query_string) over the
// kind's free-text fields with every term required; it is a filter
// beside the query, since hits are sorted, never ranked.
func searchBody[T any](k *kind[T], srch *query.Search, freeText string, mode freeTextMode) map[string]any {
	q := query.ToES(srch.Where, k.schema)
	if len(srch.FreeText) > 0 {
		name := "query_string"
		if mode == simpleQueryString {
			name = "simple_query_string"
		}
		ft := map[string]any{name: map[string]any{
			"query":            strings.TrimSpace(freeText),
			"fields":           k.freeText,
			"default_operator": "AND",
			"lenient":          true,
		}}
		filters := []any{ft}
		if srch.Where != nil {
			filters = []any{q, ft}
		}
		q = map[string]any{"bool": map[string]any{"filter": filters}}
	}
	return map[string]any{
		"query":            q,
		"sort":             query.ESSort(srch.Sort, k.schema),
		"from":             srch.Start,
		"size":             srch.Size,
		"track_total_hits": true,
	}
}

// searchResponse is the part of a _search answer search reads.
type searchResponse struct {
	Hits struct {
		Total struct {
			Value int64 `json:"value"`
		} `json:"total"`
		Hits []struct {
			Source json.RawMessage `json:"_source"`
		} `json:"hits"`
	} `json:"hits"`
}

func search[T any](ctx context.Context, s *Store, k *kind[T], q visibility.Query) (*visibility.Page[T], error) {
	srch, err := query.Prepare(q, k.schema)
	if err != nil {
		return nil, err
	}
	path := "/" + s.Alias(k.name) + "/_search"
	res, err := s.post(ctx, path, searchBody(k, srch, q.FreeText, queryString))
	if err != nil {
		return nil, err
	}
	if len(srch.FreeText) > 0 && isParseError(res) {
		// Free text that is not valid Lucene syntax ("a AND", "(x"): read
		// it as simple_query_string, which takes any text.
		if res, err = s.post(ctx, path, searchBody(k, srch, q.FreeText, simpleQueryString)); err != nil {
			return nil, err
		}
	}
	if !ok(res.status) {
		return nil, res.failed("search " + k.name)
	}
	var sr searchResponse
	if err := json.Unmarshal(res.body, &sr); err != nil {
		return nil, fmt.Errorf("elasticsearch: search %s: decode response: %w", k.name, err)
	}
	page := &visibility.Page[T]{TotalHits: sr.Hits.Total.Value, Results: make([]T, 0, len(sr.Hits.Hits))}
	for _, h := range sr.Hits.Hits {
		var v T
		if err := json.Unmarshal(h.Source, &v); err != nil {
			return nil, fmt.Errorf("elasticsearch: search %s: decode a hit: %w", k.name, err)
		}
		page.Results = append(page.Results, v)
	}
	return page, nil
}

func (s *Store) post(ctx context.Context, path string, body map[string]any) (*response, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("elasticsearch: encode %s: %w", path, err)
	}
	return s.do(ctx, http.MethodPost, path, nil, b)
}

// isParseError reports whether a search failed because a query_string
// did not parse: a 400 whose root cause is a query_shard_exception
// "Failed to parse query".
func isParseError(res *response) bool {
	if res.status != http.StatusBadRequest {
		return false
	}
	for _, c := range res.err().RootCause {
		if c.Type == "query_shard_exception" && strings.HasPrefix(c.Reason, "Failed to parse query") {
			return true
		}
	}
	return false
}
