package elasticsearch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/visibility"
)

// removedVersion is the external version a removal deletes with: above
// any summary's, so the tombstone refuses a stale replay of the workflow
// (a 409, which counts as done) for as long as Elasticsearch keeps it
// (index.gc_deletes, 10m in component_settings.json).
const removedVersion = 1 << 62

// action is one bulk action.
type action struct {
	op      string // "index" or "delete"
	index   string // the alias
	id      string
	version int64
	doc     []byte // index only
}

// plan is what Apply sends for a batch: the bulk actions, and the
// workflow ids whose task summaries it deletes by query.
type plan struct {
	actions     []action
	removeTasks []string
}

// plan turns b into requests. Of each id only the newest summary is sent
// (the later one on a tie, as SQLite's store keeps it), in the order of
// the id's first appearance; summaries of a workflow the batch removes
// are not sent at all, so the removal wins, as it does in SQLite.
func (s *Store) plan(b *visibility.Batch) (*plan, error) {
	removed := map[string]bool{}
	p := &plan{}
	for _, id := range b.Removed {
		if !removed[id] {
			removed[id] = true
			p.removeTasks = append(p.removeTasks, id)
		}
	}
	var err error
	p.actions, err = indexActions(s, workflows, b.Workflows, func(w *api.WorkflowSummary) bool { return removed[w.WorkflowID] }, p.actions)
	if err != nil {
		return nil, err
	}
	p.actions, err = indexActions(s, tasks, b.Tasks, func(t *api.TaskSummary) bool { return removed[t.WorkflowID] }, p.actions)
	if err != nil {
		return nil, err
	}
	for _, id := range p.removeTasks {
		p.actions = append(p.actions, action{op: "delete", index: s.Alias(workflows.name), id: id, version: removedVersion})
	}
	return p, nil
}

// indexActions appends the index actions of the newest of items, skipping
// those skip says are removed.
func indexActions[T any](s *Store, k *kind[T], items []T, skip func(*T) bool, out []action) ([]action, error) {
	at := make(map[string]int, len(items)) // id → position in out
	for i := range items {
		item := &items[i]
		if skip(item) {
			continue
		}
		id, v := k.id(item)
		j, seen := at[id]
		if seen && out[j].version > v {
			continue
		}
		doc, err := k.document(item)
		if err != nil {
			return nil, fmt.Errorf("elasticsearch: apply: %s %s: %w", k.name, id, err)
		}
		a := action{op: "index", index: s.Alias(k.name), id: id, version: v, doc: doc}
		if seen {
			out[j] = a
			continue
		}
		at[id] = len(out)
		out = append(out, a)
	}
	return out, nil
}

// actionOverhead bounds the bytes of an action's metadata line besides
// its index name and id.
const actionOverhead = 96

// chunks splits actions into runs of about maxBytes of NDJSON each (at
// least one action per run, however large), so a large batch does not
// meet http.max_content_length (100mb by default).
func chunks(actions []action, maxBytes int) [][]action {
	var out [][]action
	start, size := 0, 0
	for i, a := range actions {
		n := len(a.index) + len(a.id) + len(a.doc) + actionOverhead
		if i > start && size+n > maxBytes {
			out = append(out, actions[start:i])
			start, size = i, 0
		}
		size += n
	}
	if start < len(actions) {
		out = append(out, actions[start:])
	}
	return out
}

// bulkBody is the NDJSON of actions: index actions with their version as
// external_gte, so an equal version replays and an older one is refused
// with 409, without reading the stored document first.
func bulkBody(actions []action) []byte {
	var buf bytes.Buffer
	for _, a := range actions {
		meta := map[string]any{a.op: map[string]any{
			"_index": a.index, "_id": a.id, "version": a.version, "version_type": "external_gte",
		}}
		line, _ := json.Marshal(meta) // strings and numbers only
		buf.Write(line)
		buf.WriteByte('\n')
		if a.op == "index" {
			buf.Write(a.doc)
			buf.WriteByte('\n')
		}
	}
	return buf.Bytes()
}

// deleteTasksBody is the _delete_by_query body for removed workflows'
// tasks.
func deleteTasksBody(workflowIDs []string) map[string]any {
	return map[string]any{"query": map[string]any{"terms": map[string]any{"workflowId": workflowIDs}}}
}

// Apply writes b: one _bulk request (or one per MaxBulkBytes of actions;
// then one per retry of the items that failed transiently) and, if b removes workflows, a refresh and a
// _delete_by_query of their tasks. Items refused as invalid are
// dead-lettered: the rest is applied and the error is an *ApplyError
// listing them (ErrRejected). Items still failing with 429 or 5xx after
// MaxRetries make an *ApplyError with Failed set (ErrUnavailable): the
// caller must apply the batch again, which versions make harmless.
func (s *Store) Apply(ctx context.Context, b *visibility.Batch) error {
	p, err := s.plan(b)
	if err != nil {
		return err
	}
	ae := &ApplyError{}
	for _, chunk := range chunks(p.actions, s.opts.MaxBulkBytes) {
		if err := s.bulk(ctx, chunk, ae); err != nil {
			return err
		}
	}
	if len(p.removeTasks) > 0 {
		if err := s.deleteTasks(ctx, p.removeTasks); err != nil {
			return err
		}
	}
	if len(ae.Rejected) > 0 || len(ae.Failed) > 0 {
		return ae
	}
	return nil
}

// bulkResponse is the part of a _bulk answer Apply reads.
type bulkResponse struct {
	Items []map[string]bulkItem `json:"items"`
}

type bulkItem struct {
	Index  string  `json:"_index"`
	ID     string  `json:"_id"`
	Status int     `json:"status"`
	Result string  `json:"result"`
	Error  esError `json:"error"`
}

// outcome is what an item's status means.
type outcome int

const (
	done   outcome = iota // written, or already newer (409), or a removal of nothing (404)
	retry                 // 429, 5xx, a missing index: try again
	reject                // any other 4xx: the document is bad; dead-letter it
)

func classify(op string, it bulkItem) outcome {
	switch {
	case ok(it.Status), it.Status == http.StatusConflict:
		return done
	case it.Status == http.StatusNotFound && op == "delete" && it.Error.Type == "":
		return done
	case it.Status == http.StatusTooManyRequests, it.Status >= 500, it.Error.Type == "index_not_found_exception":
		return retry
	}
	return reject
}

// bulk sends actions, resending those that failed transiently up to
// MaxRetries times with doubling backoff, and records in ae the items it
// rejected or gave up on. An error is a request that failed as a whole.
func (s *Store) bulk(ctx context.Context, actions []action, ae *ApplyError) error {
	params := url.Values{}
	if s.opts.Refresh != "" {
		params.Set("refresh", s.opts.Refresh)
	}
	pending := actions
	for attempt := 0; ; attempt++ {
		res, err := s.do(ctx, http.MethodPost, "/_bulk", params, bulkBody(pending))
		if err != nil {
			return err
		}
		if !ok(res.status) {
			return res.failed("bulk")
		}
		var br bulkResponse
		if err := json.Unmarshal(res.body, &br); err != nil {
			return fmt.Errorf("elasticsearch: bulk: decode response: %w", err)
		}
		if len(br.Items) != len(pending) {
			return fmt.Errorf("elasticsearch: bulk: %d items answered for %d sent", len(br.Items), len(pending))
		}
		var again []action
		var failed []ItemError
		for i, m := range br.Items {
			a := pending[i]
			it := m[a.op]
			ie := ItemError{Op: a.op, Index: a.index, ID: a.id, Version: a.version, Status: it.Status, Type: it.Error.Type, Reason: it.Error.Reason}
			switch classify(a.op, it) {
			case retry:
				again = append(again, a)
				failed = append(failed, ie)
			case reject:
				ae.Rejected = append(ae.Rejected, ie)
			}
		}
		if len(again) == 0 {
			return nil
		}
		if attempt == s.opts.MaxRetries {
			ae.Failed = append(ae.Failed, failed...)
			ae.Attempts = max(ae.Attempts, attempt+1)
			return nil
		}
		if err := s.wait(ctx, attempt); err != nil {
			return err
		}
		pending = again
	}
}

// backoff is the wait before retry attempt+1 (attempt counting from 0
// here, from 1 in the client's callback: both double per attempt):
// RetryBackoff doubled per attempt, at most 32 times it.
func (o *Options) backoff(attempt int) time.Duration {
	return o.RetryBackoff << min(max(attempt, 0), 5)
}

// wait sleeps before retry attempt+1, or until ctx ends.
func (s *Store) wait(ctx context.Context, attempt int) error {
	t := time.NewTimer(s.opts.backoff(attempt))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("elasticsearch: bulk: waiting to retry: %w", ctx.Err())
	}
}

// deleteTasks deletes the removed workflows' task summaries. The tasks
// alias is refreshed first: _delete_by_query deletes what a search finds,
// and a task written under a second ago is not searchable yet.
func (s *Store) deleteTasks(ctx context.Context, workflowIDs []string) error {
	alias := s.Alias(tasks.name)
	res, err := s.do(ctx, http.MethodPost, "/"+alias+"/_refresh", nil, nil)
	if err != nil {
		return err
	}
	if !ok(res.status) {
		return res.failed("refresh " + alias)
	}
	params := url.Values{"conflicts": {"proceed"}}
	if s.opts.Refresh != "" {
		// _delete_by_query takes no wait_for: refresh=true is the way to
		// make its deletions searchable before Apply returns.
		params.Set("refresh", "true")
	}
	body, err := json.Marshal(deleteTasksBody(workflowIDs))
	if err != nil {
		return fmt.Errorf("elasticsearch: delete tasks: %w", err)
	}
	res, err = s.do(ctx, http.MethodPost, "/"+alias+"/_delete_by_query", params, body)
	if err != nil {
		return err
	}
	if !ok(res.status) {
		return res.failed("delete tasks of removed workflows")
	}
	var dr struct {
		Failures []json.RawMessage `json:"failures"`
	}
	if err := json.Unmarshal(res.body, &dr); err != nil {
		return fmt.Errorf("elasticsearch: delete tasks: decode response: %w", err)
	}
	if len(dr.Failures) > 0 {
		return fmt.Errorf("%w: delete tasks of removed workflows: %d failures, first: %s", ErrRequest, len(dr.Failures), dr.Failures[0])
	}
	return nil
}
