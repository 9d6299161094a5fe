package history

import (
	"errors"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/persistence"
)

// ErrClosed is returned for inputs that arrive after Close.
var ErrClosed = &api.Error{Kind: api.KindUnavailable, Message: "history: shutting down"}

// apiError gives err the kind the frontend turns into a status code,
// keeping its message.
func apiError(err error) error {
	if err == nil {
		return nil
	}
	var e *api.Error
	if errors.As(err, &e) {
		return err
	}
	kind := api.KindInternal
	switch {
	case errors.Is(err, decider.ErrTaskNotFound), errors.Is(err, persistence.ErrNotFound):
		kind = api.KindNotFound
	case errors.Is(err, decider.ErrBadStatus), errors.Is(err, decider.ErrInvalid):
		kind = api.KindInvalid
	case errors.Is(err, decider.ErrConflict), errors.Is(err, decider.ErrExists), errors.Is(err, decider.ErrTaskNotPending):
		kind = api.KindConflict
	}
	return &api.Error{Kind: kind, Message: err.Error(), Err: err}
}
