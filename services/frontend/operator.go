package frontend

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"
)

// pauseWorkflow is PUT /api/workflow/{id}/pause: RUNNING → PAUSED; an
// ended workflow is 409.
func (s *Server) pauseWorkflow(c *gin.Context) {
	s.one(c, s.pauseOne)
}

// resumeWorkflow is PUT /api/workflow/{id}/resume: PAUSED → RUNNING;
// anything else is 409 (upstream answers 500).
func (s *Server) resumeWorkflow(c *gin.Context) {
	s.one(c, s.resumeOne)
}

// terminateRemoveWorkflow is DELETE /api/workflow/{id}/terminate-remove
// ?reason: terminate (a no-op on a TERMINATED workflow), then remove.
// archiveWorkflow is accepted and ignored, as for remove.
func (s *Server) terminateRemoveWorkflow(c *gin.Context) {
	s.one(c, s.terminateRemoveOne)
}

// op is one operator command on one workflow; c carries its query.
type op func(ctx context.Context, c *gin.Context, id string) error

// one runs f on the workflow of a /workflow/{id}/... route and answers 200.
func (s *Server) one(c *gin.Context, f op) { s.run(c, "id", http.StatusOK, f) }

// run runs f on the workflow the route parameter param names and answers
// status with no body.
func (s *Server) run(c *gin.Context, param string, status int, f op) {
	if err := f(c.Request.Context(), c, c.Param(param)); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(status)
}

func (s *Server) pauseOne(ctx context.Context, _ *gin.Context, id string) error {
	return s.opts.History.Pause(ctx, id)
}

func (s *Server) resumeOne(ctx context.Context, _ *gin.Context, id string) error {
	return s.opts.History.Resume(ctx, id)
}

func (s *Server) terminateOne(ctx context.Context, c *gin.Context, id string) error {
	return s.opts.History.Terminate(ctx, id, c.Query("reason"))
}

func (s *Server) removeOne(ctx context.Context, _ *gin.Context, id string) error {
	return s.opts.History.Remove(ctx, id)
}

func (s *Server) terminateRemoveOne(ctx context.Context, c *gin.Context, id string) error {
	if err := s.opts.History.Terminate(ctx, id, c.Query("reason")); err != nil {
		return err // as upstream: a COMPLETED workflow is 409, and stays
	}
	return s.opts.History.Remove(ctx, id)
}

// maxBulk is the most ids one bulk request may name.
const maxBulk = 1000

// bulk serves /api/workflow/bulk/*: body string[] of 1..1000 ids, answered
// 200 with each id under bulkSuccessfulResults or bulkErrorResults.
func (s *Server) bulk(f op) gin.HandlerFunc {
	return func(c *gin.Context) {
		var ids []string
		if err := decodeJSON(c, &ids); err != nil {
			s.fail(c, err)
			return
		}
		if len(ids) == 0 || len(ids) > maxBulk {
			s.fail(c, invalid("the request body must list 1 to %d workflow ids, got %d", maxBulk, len(ids)))
			return
		}
		resp := bulkResponse{BulkSuccessfulResults: []string{}, BulkErrorResults: map[string]string{}}
		for _, id := range ids {
			if err := f(c.Request.Context(), c, id); err != nil {
				resp.BulkErrorResults[id] = err.Error()
				continue
			}
			resp.BulkSuccessfulResults = append(resp.BulkSuccessfulResults, id)
		}
		writeJSON(c, http.StatusOK, resp)
	}
}
