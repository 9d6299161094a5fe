package frontend

import (
	"cmp"
	"errors"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/legatohq/legato/pkg/eventhandler"
	"github.com/legatohq/legato/pkg/persistence"
)

// Event handler endpoints (/api/event). A handler is validated before it
// is stored; the events service picks up stored changes by itself.

// addEventHandler is POST /api/event: create; 409 if the name is taken,
// as upstream.
func (s *Server) addEventHandler(c *gin.Context) {
	h, err := decodeEventHandler(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	err = s.opts.Meta.CreateEventHandler(c.Request.Context(), h)
	if errors.Is(err, persistence.ErrConflict) {
		err = conflict("EventHandler with name %s already exists! Use PUT /api/event to change it", h.Name)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusOK)
}

// updateEventHandler is PUT /api/event: replace; 404 if the name is
// unknown, as upstream.
func (s *Server) updateEventHandler(c *gin.Context) {
	h, err := decodeEventHandler(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := s.opts.Meta.UpdateEventHandler(c.Request.Context(), h); err != nil {
		s.fail(c, eventHandlerErr(err, h.Name))
		return
	}
	c.Status(http.StatusOK)
}

// listEventHandlers is GET /api/event: every handler, by name.
func (s *Server) listEventHandlers(c *gin.Context) {
	hs, err := s.eventHandlers(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, hs)
}

// eventHandlersForEvent is GET /api/event/{event}?activeOnly=true: the
// handlers of one event, only the active ones unless activeOnly=false.
func (s *Server) eventHandlersForEvent(c *gin.Context) {
	activeOnly, err := queryBool(c, "activeOnly", true)
	if err != nil {
		s.fail(c, err)
		return
	}
	hs, err := s.eventHandlers(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	event := c.Param("event")
	out := slices.DeleteFunc(hs, func(h *eventhandler.Handler) bool {
		return h.Event != event || activeOnly && !h.Active
	})
	writeJSON(c, http.StatusOK, out)
}

// deleteEventHandler is DELETE /api/event/{name}; 404 if unknown.
func (s *Server) deleteEventHandler(c *gin.Context) {
	name := c.Param("event") // gin needs one parameter name per position
	if err := s.opts.Meta.DeleteEventHandler(c.Request.Context(), name); err != nil {
		s.fail(c, eventHandlerErr(err, name))
		return
	}
	c.Status(http.StatusOK)
}

func (s *Server) eventHandlers(c *gin.Context) ([]*eventhandler.Handler, error) {
	hs, err := s.opts.Meta.EventHandlers(c.Request.Context())
	if err != nil {
		return nil, err
	}
	slices.SortFunc(hs, func(a, b *eventhandler.Handler) int { return cmp.Compare(a.Name, b.Name) })
	return nonNil(hs), nil
}

func decodeEventHandler(c *gin.Context) (*eventhandler.Handler, error) {
	var h eventhandler.Handler
	if err := decodeJSON(c, &h); err != nil {
		return nil, err
	}
	if err := h.Validate(); err != nil {
		return nil, err
	}
	return &h, nil
}

// eventHandlerErr gives a store's not-found upstream's message.
func eventHandlerErr(err error, name string) error {
	if errors.Is(err, persistence.ErrNotFound) {
		return notFound("EventHandler with name %s not found!", name)
	}
	return err
}
