package visibility

import (
	"encoding/json"
	"fmt"

	"github.com/legatohq/legato/pkg/api"
)

// Record is one workflow's changed summaries from one history round: a
// visibility outbox row's content.
type Record struct {
	Workflow *api.WorkflowSummary `json:"w,omitempty"`
	Tasks    []api.TaskSummary    `json:"t,omitempty"`
	// Removed names a workflow deleted from history.
	Removed string `json:"r,omitempty"`
}

// Encode is a Record's outbox bytes.
func (r *Record) Encode() ([]byte, error) { return json.Marshal(r) }

// DecodeRecord reads a Record from its outbox bytes.
func DecodeRecord(b []byte) (*Record, error) {
	r := &Record{}
	if err := json.Unmarshal(b, r); err != nil {
		return nil, fmt.Errorf("visibility: decode record: %w", err)
	}
	return r, nil
}

// Add adds r's summaries and removal to b (Store.Apply keeps the newest
// version of each id a batch carries).
func (b *Batch) Add(r *Record) {
	if r.Removed != "" {
		b.Removed = append(b.Removed, r.Removed)
	}
	if r.Workflow != nil {
		b.Workflows = append(b.Workflows, *r.Workflow)
	}
	b.Tasks = append(b.Tasks, r.Tasks...)
}
