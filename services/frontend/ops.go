package frontend

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/legatohq/legato/pkg/api"
)

// The operator's retry, restart, rerun, skiptask, resetcallbacks and
// decide, one workflow at a time or in bulk (operator.go has pause,
// resume and the bulk frame). A workflow in the wrong state is 409, as
// for pause and resume; upstream answers some of these 404 or 500.

// retryWorkflow is POST /api/workflow/{id}/retry?resumeSubworkflowTasks:
// 204. Without resumeSubworkflowTasks a failed SUB_WORKFLOW task gets a
// new attempt, which starts a new child; with it, its child is retried and
// the task waits for it.
func (s *Server) retryWorkflow(c *gin.Context) {
	resume, err := queryBool(c, "resumeSubworkflowTasks", false)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.noContent(c, s.retryOne(resume))
}

// restartWorkflow is POST /api/workflow/{id}/restart?useLatestDefinitions:
// 204.
func (s *Server) restartWorkflow(c *gin.Context) {
	useLatest, err := queryBool(c, "useLatestDefinitions", false)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.noContent(c, s.restartOne(useLatest))
}

// rerunWorkflow is POST /api/workflow/{id}/rerun with a
// RerunWorkflowRequest; it answers the workflow id as text.
func (s *Server) rerunWorkflow(c *gin.Context) {
	var req api.RerunWorkflowRequest
	if err := decodeJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	id := c.Param("name") // the workflow id (server.go)
	if err := s.opts.History.Rerun(c.Request.Context(), id, &req); err != nil {
		s.fail(c, err)
		return
	}
	writeText(c, id)
}

// skipTask is PUT /api/workflow/{id}/skiptask/{ref}. Upstream binds a
// SkipTaskRequest (taskInput, taskOutput) from the query string, which
// carries no maps in practice; the SKIPPED row gets neither.
func (s *Server) skipTask(c *gin.Context) {
	if err := s.opts.History.SkipTask(c.Request.Context(), c.Param("id"), c.Param("ref")); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusOK)
}

// resetCallbacks is POST /api/workflow/{id}/resetcallbacks: 204.
func (s *Server) resetCallbacks(c *gin.Context) {
	s.noContent(c, func(ctx context.Context, _ *gin.Context, id string) error {
		return s.opts.History.ResetCallbacks(ctx, id)
	})
}

// decideWorkflow is PUT /api/workflow/decide/{id}: 200 with no body, as
// upstream's void handler.
func (s *Server) decideWorkflow(c *gin.Context) {
	s.one(c, func(ctx context.Context, _ *gin.Context, id string) error {
		return s.opts.History.Decide(ctx, id)
	})
}

// bulkRestart is POST /api/workflow/bulk/restart?useLatestDefinitions.
func (s *Server) bulkRestart(c *gin.Context) {
	useLatest, err := queryBool(c, "useLatestDefinitions", false)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.bulk(s.restartOne(useLatest))(c)
}

func (s *Server) retryOne(resume bool) op {
	return func(ctx context.Context, _ *gin.Context, id string) error {
		return s.opts.History.Retry(ctx, id, resume)
	}
}

func (s *Server) restartOne(useLatest bool) op {
	return func(ctx context.Context, _ *gin.Context, id string) error {
		return s.opts.History.Restart(ctx, id, useLatest)
	}
}

// noContent runs f on the workflow of a POST /workflow/{id}/... route
// (its :name, server.go) and answers 204.
func (s *Server) noContent(c *gin.Context, f op) { s.run(c, "name", http.StatusNoContent, f) }

// taskPage is Conductor's SearchResult<Task>.
type taskPage struct {
	TotalHits int         `json:"totalHits"`
	Results   []*api.Task `json:"results"`
}

// workflowTasks is GET /api/workflow/{id}/tasks?start=0&count=15
// &status=X&status=Y: the workflow's tasks in seq order, those with one
// of the statuses if any is given; only the page is rendered, so paging a
// 100,000-task workflow stays cheap. totalHits counts every match.
func (s *Server) workflowTasks(c *gin.Context) {
	start, err := queryInt(c, "start", 0)
	if err != nil {
		s.fail(c, err)
		return
	}
	count, err := queryInt(c, "count", 15)
	if err != nil {
		s.fail(c, err)
		return
	}
	if start < 0 || count < 0 {
		s.fail(c, invalid("start and count must not be negative, got %d and %d", start, count))
		return
	}
	total, tasks, err := s.opts.History.TaskPage(c.Request.Context(), c.Param("id"), c.QueryArray("status"), start, count)
	if err != nil {
		s.fail(c, err)
		return
	}
	page := taskPage{TotalHits: total, Results: tasks}
	if page.Results == nil {
		page.Results = []*api.Task{}
	}
	writeJSON(c, http.StatusOK, page)
}
