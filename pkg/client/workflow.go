package client

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
)

// StartWorkflow starts the workflow name with input and returns its id
// (POST /api/workflow/{name}). Version 0 means the latest version.
//
// It is not retried: when it fails with ErrTransport the workflow may or
// may not have been started, and only the caller can decide whether a
// duplicate is acceptable.
func (c *Client) StartWorkflow(ctx context.Context, name string, version int, correlationID string, input map[string]any) (string, error) {
	q := url.Values{}
	if version > 0 {
		q.Set("version", strconv.Itoa(version))
	}
	if correlationID != "" {
		q.Set("correlationId", correlationID)
	}
	if input == nil {
		input = map[string]any{} // the body is required
	}
	var id textBody
	if _, err := c.do(ctx, http.MethodPost, "/workflow/"+pathEscape(name), q, input, &id); err != nil {
		return "", err
	}
	return id.s, nil
}

// Start starts a workflow from a full request (POST /api/workflow) and
// returns its id. Like StartWorkflow it is not retried.
func (c *Client) Start(ctx context.Context, req *api.StartWorkflowRequest) (string, error) {
	if req == nil {
		return "", errors.New("client: Start: nil request")
	}
	var id textBody
	if _, err := c.do(ctx, http.MethodPost, "/workflow", nil, req, &id); err != nil {
		return "", err
	}
	return id.s, nil
}

// Workflow returns the execution with id (GET /api/workflow/{id}), with its
// tasks when includeTasks is set. A missing workflow is an error for which
// IsNotFound is true.
func (c *Client) Workflow(ctx context.Context, id string, includeTasks bool) (*api.Workflow, error) {
	q := url.Values{"includeTasks": {strconv.FormatBool(includeTasks)}}
	var wf api.Workflow
	if _, err := c.do(ctx, http.MethodGet, "/workflow/"+pathEscape(id), q, nil, &wf); err != nil {
		return nil, err
	}
	return &wf, nil
}

// Terminate ends a running workflow with reason (DELETE /api/workflow/{id}).
func (c *Client) Terminate(ctx context.Context, id, reason string) error {
	var q url.Values
	if reason != "" {
		q = url.Values{"reason": {reason}}
	}
	_, err := c.do(ctx, http.MethodDelete, "/workflow/"+pathEscape(id), q, nil, nil)
	return err
}

// Events returns the history of the workflow with id, oldest first
// (GET /api/workflow/{id}/events, a Legato extension).
func (c *Client) Events(ctx context.Context, workflowID string) ([]events.Event, error) {
	var evs []events.Event
	if _, err := c.do(ctx, http.MethodGet, "/workflow/"+pathEscape(workflowID)+"/events", nil, nil, &evs); err != nil {
		return nil, err
	}
	return evs, nil
}
