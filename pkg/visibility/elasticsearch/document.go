package elasticsearch

import (
	"encoding/json"
	"fmt"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/visibility/query"
)

// kind is how summaries of type T become documents of one alias.
type kind[T any] struct {
	name   string // "workflows" or "tasks"
	schema *query.Schema
	id     func(*T) (id string, version int64)
	// zeroIsNull are the numeric fields whose 0 means unset: every date,
	// and durationMs, set only once a workflow has ended.
	zeroIsNull map[string]bool
	// zeros are the other numeric and boolean fields of the schema, with
	// their zero values: present even when the summary's JSON omits them
	// (omitempty), as SQLite stores 0 for them, so = 0 and < find them.
	zeros map[string]json.RawMessage
	// freeText are the fields free text is matched against, the same the
	// SQLite store's free-text body holds.
	freeText []string
}

// zeros lists the schema's numeric and boolean fields outside
// zeroIsNull, with their zero value.
func zeros(s *query.Schema, zeroIsNull map[string]bool) map[string]json.RawMessage {
	m := map[string]json.RawMessage{}
	for _, f := range s.Fields() {
		switch {
		case zeroIsNull[f.ESField]:
		case f.Type == query.Long || f.Type == query.Int:
			m[f.ESField] = json.RawMessage("0")
		case f.Type == query.Bool:
			m[f.ESField] = json.RawMessage("false")
		}
	}
	return m
}

func zeroIsNull(s *query.Schema, extra ...string) map[string]bool {
	m := map[string]bool{}
	for _, f := range s.Fields() {
		if f.Type == query.Date {
			m[f.ESField] = true
		}
	}
	for _, f := range extra {
		m[f] = true
	}
	return m
}

var workflows = &kind[api.WorkflowSummary]{
	name:       "workflows",
	schema:     query.Workflows(),
	id:         func(w *api.WorkflowSummary) (string, int64) { return w.WorkflowID, w.EventVersion },
	zeroIsNull: zeroIsNull(query.Workflows(), "durationMs"),
	zeros:      zeros(query.Workflows(), zeroIsNull(query.Workflows(), "durationMs")),
	freeText:   []string{"workflowId", "correlationId", "workflowType", "status", "reasonForIncompletion.text", "input", "output"},
}

var tasks = &kind[api.TaskSummary]{
	name:       "tasks",
	schema:     query.Tasks(),
	id:         func(t *api.TaskSummary) (string, int64) { return t.TaskID, t.EventVersion },
	zeroIsNull: zeroIsNull(query.Tasks()),
	zeros:      zeros(query.Tasks(), zeroIsNull(query.Tasks())),
	freeText: []string{"taskId", "workflowId", "correlationId", "taskType", "taskDefName", "status",
		"reasonForIncompletion.text", "input", "output"},
}

// document is the _source of a summary: its JSON without the fields that
// are unset, "" strings and zero times (visibilitytest's null rule), so
// exists, must_not and the missing-last sort see them as absent, as
// SQLite's NULLs; and with the schema's other numbers and booleans
// present even at zero, as SQLite's columns hold them. Decoding a hit's
// _source gives the summary back, absent fields decoding to the zero
// values they were.
func (k *kind[T]) document(item *T) ([]byte, error) {
	b, err := json.Marshal(item)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, err
	}
	for name, v := range fields {
		if string(v) == `""` || (string(v) == "0" && k.zeroIsNull[name]) {
			delete(fields, name)
		}
	}
	for name, zero := range k.zeros {
		if _, ok := fields[name]; !ok {
			fields[name] = zero
		}
	}
	out, err := json.Marshal(fields) // keys sorted: documents are stable
	if err != nil {
		return nil, fmt.Errorf("encode %s document: %w", k.name, err)
	}
	return out, nil
}
