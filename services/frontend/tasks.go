package frontend

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/legatohq/legato/pkg/api"
)

// Task endpoints: workers poll through matching and report results to
// history. Pollers see the difference between "nothing to do" answers
// exactly as Conductor gives them: the single poll answers 204, the batch
// poll 200 with [] (a 204 there breaks the legacy JavaScript SDK's poller).

// pollTask is GET /api/tasks/poll/{type}?workerid&domain: one task or 204.
func (s *Server) pollTask(c *gin.Context) {
	if err := workerDomain(c); err != nil {
		s.fail(c, err)
		return
	}
	wait := min(singlePollWait, s.opts.MaxPollTimeout)
	tasks, err := s.opts.Matching.Poll(c.Request.Context(), c.Param("type"), c.Query("domain"), c.Query("workerid"), 1, wait)
	if err != nil {
		s.fail(c, err)
		return
	}
	if len(tasks) == 0 || tasks[0] == nil {
		c.Status(http.StatusNoContent)
		return
	}
	writeJSON(c, http.StatusOK, tasks[0])
}

// batchPoll is GET /api/tasks/poll/batch/{type}?workerid&domain&count=1
// &timeout=100 (ms): up to count tasks, waiting up to timeout for the
// first.
func (s *Server) batchPoll(c *gin.Context) {
	if err := workerDomain(c); err != nil {
		s.fail(c, err)
		return
	}
	count, err := queryInt(c, "count", 1)
	if err != nil {
		s.fail(c, err)
		return
	}
	if count < 1 {
		s.fail(c, invalid("count must be at least 1, got %d", count))
		return
	}
	timeout, err := queryMillis(c, "timeout", defaultBatchPollTimeout)
	if err != nil {
		s.fail(c, err)
		return
	}
	if timeout < 0 || timeout > s.opts.MaxPollTimeout {
		s.fail(c, invalid("timeout must be between 0 and %d ms, got %d", s.opts.MaxPollTimeout.Milliseconds(), timeout.Milliseconds()))
		return
	}
	tasks, err := s.opts.Matching.Poll(c.Request.Context(), c.Param("type"), c.Query("domain"), c.Query("workerid"), count, timeout)
	if err != nil {
		s.fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, nonNil(tasks))
}

// workerDomain refuses polls of the engine's own queues.
func workerDomain(c *gin.Context) error {
	if c.Query("domain") == api.SystemDomain {
		return invalid("domain %s is reserved for the engine's system tasks", api.SystemDomain)
	}
	return nil
}

// resultStatuses are the statuses a worker may report in a TaskResult.
var resultStatuses = map[string]bool{
	api.TaskInProgress:              true,
	api.TaskCompleted:               true,
	api.TaskFailed:                  true,
	api.TaskFailedWithTerminalError: true,
}

// refStatuses are the statuses POST /api/tasks/{wfId}/{ref}/{status} takes.
var refStatuses = map[string]bool{
	api.TaskInProgress:              true,
	api.TaskCompleted:               true,
	api.TaskFailed:                  true,
	api.TaskFailedWithTerminalError: true,
	api.TaskCanceled:                true,
}

// decodeResult reads and checks a TaskResult body.
func decodeResult(c *gin.Context) (*api.TaskResult, error) {
	var res api.TaskResult
	if err := decodeJSON(c, &res); err != nil {
		return nil, err
	}
	if res.WorkflowInstanceID == "" {
		return nil, invalid("workflowInstanceId is required in a task result")
	}
	if res.TaskID == "" {
		return nil, invalid("taskId is required in a task result")
	}
	if !resultStatuses[res.Status] {
		return nil, invalid("task result status must be IN_PROGRESS, COMPLETED, FAILED or FAILED_WITH_TERMINAL_ERROR, got %q", res.Status)
	}
	return &res, nil
}

// updateTask is POST /api/tasks: apply a result, answer the task id.
func (s *Server) updateTask(c *gin.Context) {
	res, err := decodeResult(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if _, err := s.opts.History.UpdateTask(c.Request.Context(), res); err != nil {
		s.fail(c, err)
		return
	}
	writeText(c, res.TaskID)
}

// updateTaskV2 is POST /api/tasks/update-v2: apply a result, then hand the
// same worker its next task of the same type and domain without waiting,
// or 204. The SDKs run the returned task at once, saving a poll.
func (s *Server) updateTaskV2(c *gin.Context) {
	res, err := decodeResult(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	q, err := s.opts.History.UpdateTask(ctx, res)
	if err != nil {
		s.fail(c, err)
		return
	}
	if res.Status == api.TaskInProgress {
		// The worker still holds this task; it gets no other.
		c.Status(http.StatusNoContent)
		return
	}
	// The update is durable. From here on a failure must not turn into an
	// error reply, or the worker would retry an update that succeeded; it
	// just gets no next task and polls as usual.
	next, err := s.opts.Matching.Poll(ctx, q.TaskType, q.Domain, res.WorkerID, 1, 0)
	if err != nil {
		s.logNextTaskErr(c, res, err)
	}
	if len(next) == 0 || next[0] == nil {
		c.Status(http.StatusNoContent)
		return
	}
	writeJSON(c, http.StatusOK, next[0])
}

func (s *Server) logNextTaskErr(c *gin.Context, res *api.TaskResult, err error) {
	if err == nil || errors.Is(err, c.Request.Context().Err()) {
		return
	}
	s.log.WarnContext(c.Request.Context(), "update-v2: finding the next task failed",
		"workflow_id", res.WorkflowInstanceID, "task_id", res.TaskID, "err", err)
}

// updateTaskByRef is POST /api/tasks/{workflowId}/{taskRefName}/{status}
// ?workerid with the output as body: the task id, or 200 with no body when
// the workflow has no non-terminal task with that reference.
func (s *Server) updateTaskByRef(c *gin.Context) {
	status := strings.ToUpper(c.Param("status"))
	if !refStatuses[status] {
		s.fail(c, invalid("status must be IN_PROGRESS, COMPLETED, FAILED, FAILED_WITH_TERMINAL_ERROR or CANCELED, got %q", c.Param("status")))
		return
	}
	var output map[string]any
	if err := decodeJSON(c, &output); err != nil && !errors.Is(err, errEmptyBody) {
		s.fail(c, err)
		return
	}
	if output == nil {
		output = map[string]any{}
	}
	id, err := s.opts.History.UpdateTaskByRef(c.Request.Context(), c.Param("id"), c.Param("ref"), status, c.Query("workerid"), output)
	if err != nil {
		s.fail(c, err)
		return
	}
	if id == "" {
		c.Status(http.StatusOK)
		return
	}
	writeText(c, id)
}

// getTask is GET /api/tasks/{taskId}.
func (s *Server) getTask(c *gin.Context) {
	id := c.Param("id")
	t, err := s.opts.History.Task(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	if t == nil {
		s.fail(c, notFound("no task with id %s", id))
		return
	}
	writeJSON(c, http.StatusOK, t)
}

// addTaskLog is POST /api/tasks/{taskId}/log with the line as raw body.
func (s *Server) addTaskLog(c *gin.Context) {
	body, err := readBody(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	if len(body) == 0 {
		s.fail(c, errEmptyBody)
		return
	}
	if err := s.opts.History.AddTaskLog(c.Request.Context(), c.Param("id"), string(body)); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusOK)
}

// taskLogs is GET /api/tasks/{taskId}/log: the lines, or 204 when none.
func (s *Server) taskLogs(c *gin.Context) {
	logs, err := s.opts.History.TaskLogs(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	if len(logs) == 0 {
		c.Status(http.StatusNoContent)
		return
	}
	writeJSON(c, http.StatusOK, logs)
}

// queueSizes is GET /api/tasks/queue/sizes?taskType=a&taskType=b (or
// taskType=a,b, which Spring also binds): {type: size} of the domainless
// queues.
func (s *Server) queueSizes(c *gin.Context) {
	out := map[string]int{}
	for _, v := range c.QueryArray("taskType") {
		for _, t := range strings.Split(v, ",") {
			if t = strings.TrimSpace(t); t != "" {
				out[t] = s.opts.Matching.QueueSize(t, "")
			}
		}
	}
	writeJSON(c, http.StatusOK, out)
}

// pollData is GET /api/tasks/queue/polldata?taskType.
func (s *Server) pollData(c *gin.Context) {
	t := c.Query("taskType")
	if t == "" {
		s.fail(c, invalid("query parameter taskType is required"))
		return
	}
	writeJSON(c, http.StatusOK, nonNil(s.opts.Matching.PollData(t)))
}
