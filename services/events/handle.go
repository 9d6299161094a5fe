package events

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/eventhandler"
)

// message is one message read from a queue. A conductor queue's message
// has handled, which deletes its stored copy (history.EventSink).
type message struct {
	event, id string
	body      []byte
	handled   func(id string)
}

// Retry delays for a message whose actions failed transiently.
const (
	retryFirst = 200 * time.Millisecond
	retryMax   = 30 * time.Second
)

// errUnsupported is upstream's answer to actions it does not run.
var errUnsupported = errors.New("Action not supported")

// handleUntilDone handles m until no action fails transiently, waiting
// longer between tries, each of which runs only the actions not yet done;
// false means ctx ended first and m is not handled (a Kafka message is
// then read again, and all its actions run again).
func (s *Service) handleUntilDone(ctx context.Context, m message) bool {
	delay := retryFirst
	done := map[actionKey]bool{}
	for {
		err := s.handle(ctx, m, done)
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		s.log.Warn("events: message will be handled again", "event", m.event, "messageId", m.id, "in", delay, "err", err)
		if sleep(ctx, delay); ctx.Err() != nil {
			return false
		}
		delay = min(2*delay, retryMax)
	}
}

// actionKey names one action of one handler.
type actionKey struct {
	handler string
	index   int
}

// handle runs every active handler of m's event on it, skipping the
// actions in done and adding those that ended, successfully or for good.
// The error joins the transient failures: m must be handled again.
// Permanent failures are logged here.
func (s *Service) handle(ctx context.Context, m message, done map[actionKey]bool) error {
	byEvent, err := s.current(ctx)
	if err != nil {
		return err // the store failed: try again
	}
	payload := decodePayload(m.body)
	var retry error
	for _, h := range byEvent[m.event] {
		ok, err := h.Matches(s.opts.Scripts, payload)
		if err != nil {
			s.log.Warn("events: condition failed; handler skipped", "handler", h.Name, "event", m.event, "messageId", m.id, "err", err)
			continue
		}
		if !ok {
			s.log.Debug("events: condition not met", "handler", h.Name, "event", m.event, "messageId", m.id)
			continue
		}
		for i := range h.Actions {
			key := actionKey{h.Name, i}
			if done[key] {
				continue
			}
			a := &h.Actions[i]
			err := s.act(ctx, key, a, m, payload)
			if err != nil && transient(ctx, err) {
				retry = errors.Join(retry, fmt.Errorf("handler %s action %s: %w", h.Name, a.Action, err))
				continue
			}
			if err != nil {
				s.log.Error("events: action failed", "handler", h.Name, "action", a.Action, "event", m.event, "messageId", m.id, "err", err)
			}
			done[key] = true
		}
	}
	return retry
}

// transient reports whether trying err's action again may succeed: the
// service is stopping, or history could not commit or was unavailable.
// Bad requests (an unknown workflow, task or definition) are final.
func transient(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return true
	}
	if errors.Is(err, errUnsupported) {
		return false
	}
	k := api.KindOf(err)
	return k == api.KindInternal || k == api.KindUnavailable
}

// act applies action key (a) for message m.
func (s *Service) act(ctx context.Context, key actionKey, a *eventhandler.Action, m message, payload any) error {
	switch a.Action {
	case eventhandler.ActionStartWorkflow:
		req := a.StartRequest(payload, m.event, m.id)
		// A replayed message must not start the workflow again: the start
		// is keyed by the message and the action, and history turns the
		// key into the workflow's id (upstream would start it again).
		req.IdempotencyKey = fmt.Sprintf("%s/%s/%d/%s", m.event, key.handler, key.index, m.id)
		req.IdempotencyStrategy = api.IdempotencyReturnExisting
		id, err := s.opts.History.StartWorkflow(ctx, req)
		if err != nil {
			return err
		}
		s.log.Info("events: workflow started", "workflow", req.Name, "workflowId", id, "event", m.event, "messageId", m.id)
		return nil
	case eventhandler.ActionCompleteTask, eventhandler.ActionFailTask:
		return s.updateTask(ctx, a.TaskUpdate(payload, m.event, m.id), m)
	}
	return fmt.Errorf("%w %s for event %s", errUnsupported, a.Action, m.event)
}

// updateTask applies a complete_task or fail_task. Updates of finished
// tasks are ignored by history, so a replayed message changes nothing.
func (s *Service) updateTask(ctx context.Context, u eventhandler.TaskUpdate, m message) error {
	if u.TaskID != "" {
		t, err := s.opts.History.Task(ctx, u.TaskID)
		if err != nil {
			return err
		}
		_, err = s.opts.History.UpdateTask(ctx, &api.TaskResult{
			WorkflowInstanceID: t.WorkflowInstanceID, TaskID: u.TaskID, Status: u.Status, OutputData: u.Output,
		})
		return err
	}
	id, err := s.opts.History.UpdateTaskByRef(ctx, u.WorkflowID, u.TaskRefName, u.Status, "", u.Output)
	if err != nil {
		return err
	}
	if id == "" {
		s.log.Info("events: no open task to update", "workflowId", u.WorkflowID, "taskRefName", u.TaskRefName, "event", m.event, "messageId", m.id)
	}
	return nil
}

// decodePayload parses a message body as JSON; a body that is not JSON
// is the string itself, as upstream.
func decodePayload(body []byte) any {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return string(body)
	}
	return v
}
