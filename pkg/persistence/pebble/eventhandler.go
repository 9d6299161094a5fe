package pebble

import (
	"context"
	"fmt"

	json "github.com/goccy/go-json"
	"github.com/legatohq/legato/pkg/eventhandler"
	"github.com/legatohq/legato/pkg/persistence"
)

// CreateEventHandler stores a new handler; ErrConflict if one has its name.
func (s *Store) CreateEventHandler(ctx context.Context, h *eventhandler.Handler) error {
	return s.putEventHandler(ctx, h, true)
}

// UpdateEventHandler replaces the handler with h's name; ErrNotFound if
// there is none.
func (s *Store) UpdateEventHandler(ctx context.Context, h *eventhandler.Handler) error {
	return s.putEventHandler(ctx, h, false)
}

func (s *Store) putEventHandler(ctx context.Context, h *eventhandler.Handler, create bool) error {
	if h == nil {
		return fmt.Errorf("persistence/pebble: put event handler: handler is nil")
	}
	what := "event handler " + h.Name
	v, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("persistence/pebble: encode %s: %w", what, err)
	}
	key := handlerKey(h.Name)
	wb := s.db.NewBatch()
	defer wb.Close()
	if err := wb.Set(key, v, nil); err != nil {
		return fmt.Errorf("persistence/pebble: put %s: %w", what, err)
	}
	s.metaMu.Lock()
	defer s.metaMu.Unlock()
	_, err = s.get(ctx, key, what)
	switch {
	case create && err == nil:
		return fmt.Errorf("persistence/pebble: create %s: %w", what, persistence.ErrConflict)
	case create && !isNotFound(err), !create && err != nil:
		return err
	}
	return s.commitMeta(wb, "put "+what)
}

// EventHandlers returns every handler, by name.
func (s *Store) EventHandlers(ctx context.Context) ([]*eventhandler.Handler, error) {
	return scanAll[eventhandler.Handler](ctx, s, []byte(prefixHandler), "event handlers")
}

// DeleteEventHandler removes a handler; ErrNotFound if absent.
func (s *Store) DeleteEventHandler(ctx context.Context, name string) error {
	key := handlerKey(name)
	s.metaMu.Lock()
	defer s.metaMu.Unlock()
	if _, err := s.get(ctx, key, "event handler "+name); err != nil {
		return err
	}
	return s.deleteMeta(key, "delete event handler "+name)
}
