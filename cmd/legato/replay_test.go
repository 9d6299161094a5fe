package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/events"
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
		history, err := fetchEvents(ctx, srv.URL, id)
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

func fetchEvents(ctx context.Context, base, id string) ([]events.Event, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/workflow/"+id+"/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("status %s", resp.Status)
	}
	var rows []struct {
		ID      int64           `json:"id"`
		Type    events.Type     `json:"type"`
		Time    int64           `json:"time"`
		TaskRef string          `json:"taskRef"`
		Data    json.RawMessage `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&rows); err != nil {
		return nil, err
	}
	out := make([]events.Event, len(rows))
	for i, r := range rows {
		out[i] = events.Event{ID: r.ID, Type: r.Type, Time: r.Time, Ref: r.TaskRef}
		if err := out[i].SetData(r.Data); err != nil {
			return nil, err
		}
	}
	return out, nil
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
