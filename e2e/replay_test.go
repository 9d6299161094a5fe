package e2e

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/decider"
)

// checkReplay is the event-sourcing invariant end to end: for every
// workflow, folding the history served by GET /api/workflow/{id}/events
// gives exactly the state served by GET /api/workflow/{id}.
func checkReplay(t *testing.T, ctx context.Context, srv *server, ids []string) {
	t.Helper()
	c := srv.client()
	for _, id := range ids {
		stored, err := c.Workflow(ctx, id, true)
		if err != nil {
			t.Fatalf("workflow %s: %v", id, err)
		}
		history, err := c.Events(ctx, id)
		if err != nil {
			t.Fatalf("events %s: %v", id, err)
		}
		st, err := decider.Replay(history)
		if err != nil {
			t.Fatalf("replay %s: %v", id, err)
		}
		st.Def = stored.WorkflowDefinition
		replayed := decider.WorkflowView(st, true)
		if a, b := normalize(t, stored), normalize(t, replayed); !reflect.DeepEqual(a, b) {
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			t.Fatalf("workflow %s: stored state differs from fold(events)\nstored:   %s\nreplayed: %s", id, ja, jb)
		}
	}
}

// normalize gives both sides the same JSON types (numbers as float64).
func normalize(t *testing.T, wf *api.Workflow) map[string]any {
	b, err := json.Marshal(wf)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
