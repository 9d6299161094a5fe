package client

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/legatohq/legato/pkg/api"
)

// MaxPollTimeout is the longest batch-poll wait a server accepts.
const MaxPollTimeout = 5 * time.Second

// BatchPoll asks for up to count tasks of taskType in domain ("" for none),
// waiting up to timeout for the first one to arrive
// (GET /api/tasks/poll/batch/{type}). Every task returned is IN_PROGRESS
// and assigned to workerID: the caller must report a result for it, or it
// times out after its responseTimeoutSeconds.
//
// Polls are not retried: a worker loop simply polls again.
func (c *Client) BatchPoll(ctx context.Context, taskType, workerID, domain string, count int, timeout time.Duration) ([]*api.Task, error) {
	q := url.Values{"count": {strconv.Itoa(max(count, 1))}}
	if workerID != "" {
		q.Set("workerid", workerID)
	}
	if domain != "" {
		q.Set("domain", domain)
	}
	if timeout > 0 {
		q.Set("timeout", strconv.FormatInt(timeout.Milliseconds(), 10))
	}
	var tasks []*api.Task
	if _, err := c.do(ctx, http.MethodGet, "/tasks/poll/batch/"+pathEscape(taskType), q, nil, &tasks); err != nil {
		return nil, err
	}
	return tasks, nil
}

// UpdateTask reports a worker's result (POST /api/tasks).
//
// It retries on transport errors and temporary answers (see Temporary) until
// it succeeds or ctx is done, so a result survives a server restart. That
// is safe because the server ignores an update to a task that has already
// ended, which is what a repeat of an applied update finds.
func (c *Client) UpdateTask(ctx context.Context, res *api.TaskResult) error {
	if res == nil {
		return errors.New("client: UpdateTask: nil result")
	}
	return c.retry(ctx, func() error {
		_, err := c.do(ctx, http.MethodPost, "/tasks", nil, res, nil)
		return err
	})
}

// UpdateTaskV2 reports a worker's result and, in the same round trip, polls
// the next task of the same type and domain for res.WorkerID
// (POST /api/tasks/update-v2). It returns nil when there is no next task
// (204). It retries like UpdateTask.
//
// If an attempt was applied but its answer was lost, the next task the
// server handed out in that attempt never reaches the caller; it is
// redelivered after its response timeout.
func (c *Client) UpdateTaskV2(ctx context.Context, res *api.TaskResult) (*api.Task, error) {
	if res == nil {
		return nil, errors.New("client: UpdateTaskV2: nil result")
	}
	var next *api.Task
	err := c.retry(ctx, func() error {
		var t api.Task
		status, err := c.do(ctx, http.MethodPost, "/tasks/update-v2", nil, res, &t)
		if err != nil {
			return err
		}
		next = nil
		if status != http.StatusNoContent && t.TaskID != "" {
			next = &t
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return next, nil
}

// Task returns the task attempt with id (GET /api/tasks/{id}).
func (c *Client) Task(ctx context.Context, id string) (*api.Task, error) {
	var t api.Task
	if _, err := c.do(ctx, http.MethodGet, "/tasks/"+pathEscape(id), nil, nil, &t); err != nil {
		return nil, err
	}
	return &t, nil
}
