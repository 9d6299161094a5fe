package client

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/legatohq/legato/pkg/workflow"
)

// RegisterTaskDefs creates or replaces task definitions
// (POST /api/metadata/taskdefs).
func (c *Client) RegisterTaskDefs(ctx context.Context, defs []*workflow.TaskDef) error {
	if len(defs) == 0 {
		return nil
	}
	_, err := c.do(ctx, http.MethodPost, "/metadata/taskdefs", nil, defs, nil)
	return err
}

// RegisterWorkflowDef registers a workflow definition
// (POST /api/metadata/workflow). Without overwrite, registering a name and
// version that already exist fails with a 409 (see IsConflict).
func (c *Client) RegisterWorkflowDef(ctx context.Context, def *workflow.WorkflowDef, overwrite bool) error {
	if def == nil {
		return errors.New("client: RegisterWorkflowDef: nil definition")
	}
	q := url.Values{"overwrite": {strconv.FormatBool(overwrite)}}
	_, err := c.do(ctx, http.MethodPost, "/metadata/workflow", q, def, nil)
	return err
}
