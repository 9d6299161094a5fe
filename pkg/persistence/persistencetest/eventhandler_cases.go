package persistencetest

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/legatohq/legato/pkg/eventhandler"
	"github.com/legatohq/legato/pkg/persistence"
)

func handler(name, event string, active bool) *eventhandler.Handler {
	return &eventhandler.Handler{
		Name: name, Event: event, Condition: "$.ok == true", Active: active,
		Actions: []eventhandler.Action{{Action: eventhandler.ActionCompleteTask, CompleteTask: &eventhandler.TaskDetails{
			WorkflowID: "${wf}", TaskRefName: "approval", Output: map[string]any{"by": "${who}", "n": 1.0},
		}}},
	}
}

func testEventHandlers(t *testing.T, s Stores) {
	ctx := t.Context()
	if all, err := s.Meta.EventHandlers(ctx); err != nil || len(all) != 0 {
		t.Fatalf("EventHandlers of an empty store = %v, %v", all, err)
	}
	for _, h := range []*eventhandler.Handler{handler("b", "kafka:t", true), handler("a", "conductor:w:r", false), handler("a1", "kafka:t", true)} {
		if err := s.Meta.CreateEventHandler(ctx, h); err != nil {
			t.Fatalf("CreateEventHandler(%s): %v", h.Name, err)
		}
	}
	if err := s.Meta.CreateEventHandler(ctx, handler("a", "kafka:other", true)); !errors.Is(err, persistence.ErrConflict) {
		t.Errorf("CreateEventHandler of an existing name: err = %v, want ErrConflict", err)
	}
	if err := s.Meta.UpdateEventHandler(ctx, handler("a", "kafka:u", true)); err != nil {
		t.Fatalf("UpdateEventHandler(a): %v", err)
	}
	notFound(t, "UpdateEventHandler of an absent name", s.Meta.UpdateEventHandler(ctx, handler("never", "kafka:t", true)))

	all, err := s.Meta.EventHandlers(ctx)
	if err != nil {
		t.Fatalf("EventHandlers: %v", err)
	}
	slices.SortFunc(all, func(x, y *eventhandler.Handler) int { return strings.Compare(x.Name, y.Name) })
	equal(t, "EventHandlers", all, []*eventhandler.Handler{handler("a", "kafka:u", true), handler("a1", "kafka:t", true), handler("b", "kafka:t", true)})

	if err := s.Meta.DeleteEventHandler(ctx, "a"); err != nil {
		t.Fatalf("DeleteEventHandler(a): %v", err)
	}
	notFound(t, "DeleteEventHandler of a deleted handler", s.Meta.DeleteEventHandler(ctx, "a"))
	notFound(t, "DeleteEventHandler of an absent handler", s.Meta.DeleteEventHandler(ctx, "never"))
	all, err = s.Meta.EventHandlers(ctx)
	if err != nil || len(all) != 2 {
		t.Fatalf("EventHandlers after delete = %v, %v; want a1 and b", all, err)
	}
	// A name that prefixes another is its own record.
	if err := s.Meta.CreateEventHandler(ctx, handler("a", "kafka:t", true)); err != nil {
		t.Errorf("CreateEventHandler(a) again after delete: %v", err)
	}
}
