package frontend

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/legatohq/legato/pkg/api"
)

// Workflow endpoints: start, read and operate on executions. All of them
// go to history, which owns executions; replies come after history has
// made the change durable.

// startWorkflow is POST /api/workflow with a StartWorkflowRequest.
func (s *Server) startWorkflow(c *gin.Context) {
	var req api.StartWorkflowRequest
	if err := decodeJSON(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if strings.TrimSpace(req.Name) == "" {
		s.fail(c, invalid("workflow name cannot be null or empty"))
		return
	}
	if req.Version < 0 {
		s.fail(c, invalid("version must not be negative, got %d", req.Version))
		return
	}
	if err := checkPriority(req.Priority); err != nil {
		s.fail(c, err)
		return
	}
	if req.Input == nil {
		req.Input = map[string]any{}
	}
	if d := req.WorkflowDef; d != nil {
		// An inline definition skips the metadata lookup, so it is held to
		// the same rules as a registered one here.
		if d.Name == "" {
			d.Name = req.Name
		}
		d.ApplyDefaults()
		if err := d.Validate(); err != nil {
			s.fail(c, err)
			return
		}
	}
	s.start(c, &req)
}

// startWorkflowByName is POST /api/workflow/{name}?version&correlationId
// &priority with the input as body. An empty body is input {}.
func (s *Server) startWorkflowByName(c *gin.Context) {
	version, err := queryInt(c, "version", 0)
	if err != nil {
		s.fail(c, err)
		return
	}
	priority, err := queryInt(c, "priority", 0)
	if err != nil {
		s.fail(c, err)
		return
	}
	if err := checkPriority(priority); err != nil {
		s.fail(c, err)
		return
	}
	var input map[string]any
	if err := decodeJSON(c, &input); err != nil && !errors.Is(err, errEmptyBody) {
		s.fail(c, err)
		return
	}
	if input == nil {
		input = map[string]any{}
	}
	s.start(c, &api.StartWorkflowRequest{
		Name:          c.Param("name"),
		Version:       version,
		CorrelationID: c.Query("correlationId"),
		Priority:      priority,
		Input:         input,
	})
}

func (s *Server) start(c *gin.Context, req *api.StartWorkflowRequest) {
	id, err := s.opts.History.StartWorkflow(c.Request.Context(), req)
	if err != nil {
		s.fail(c, err)
		return
	}
	writeText(c, id)
}

// getWorkflow is GET /api/workflow/{id}?includeTasks=true.
func (s *Server) getWorkflow(c *gin.Context) {
	includeTasks, err := queryBool(c, "includeTasks", true)
	if err != nil {
		s.fail(c, err)
		return
	}
	wf, err := s.workflow(c, c.Param("id"), includeTasks)
	if err != nil {
		s.fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, wf)
}

// workflow reads one execution, turning an empty answer into a 404.
func (s *Server) workflow(c *gin.Context, id string, includeTasks bool) (*api.Workflow, error) {
	wf, err := s.opts.History.Workflow(c.Request.Context(), id, includeTasks)
	if err != nil {
		return nil, err
	}
	if wf == nil {
		return nil, notFound("no workflow with id %s", id)
	}
	return withTaskList(wf), nil
}

// withTaskList returns wf with tasks encoding as [] rather than null, as
// Conductor answers. wf itself is not modified: history may share it.
func withTaskList(wf *api.Workflow) *api.Workflow {
	if wf == nil || wf.Tasks != nil {
		return wf
	}
	cp := *wf
	cp.Tasks = []*api.Task{}
	return &cp
}

// workflowStatus is GET /api/workflow/{id}/status?includeOutput
// &includeVariables.
func (s *Server) workflowStatus(c *gin.Context) {
	includeOutput, err := queryBool(c, "includeOutput", false)
	if err != nil {
		s.fail(c, err)
		return
	}
	includeVariables, err := queryBool(c, "includeVariables", false)
	if err != nil {
		s.fail(c, err)
		return
	}
	wf, err := s.workflow(c, c.Param("id"), false)
	if err != nil {
		s.fail(c, err)
		return
	}
	st := api.WorkflowStatus{WorkflowID: wf.WorkflowID, CorrelationID: wf.CorrelationID, Status: wf.Status}
	if includeOutput {
		st.Output = wf.Output
	}
	if includeVariables {
		st.Variables = wf.Variables
	}
	writeJSON(c, http.StatusOK, st)
}

// terminateWorkflow is DELETE /api/workflow/{id}?reason.
func (s *Server) terminateWorkflow(c *gin.Context) { s.one(c, s.terminateOne) }

// removeWorkflow is DELETE /api/workflow/{id}/remove. Conductor's
// archiveWorkflow flag is accepted and ignored: removal always deletes.
func (s *Server) removeWorkflow(c *gin.Context) { s.one(c, s.removeOne) }

// correlatedWorkflows is GET /api/workflow/{name}/correlated/{correlationId}
// ?includeClosed=false&includeTasks=false.
func (s *Server) correlatedWorkflows(c *gin.Context) {
	s.correlated(c, c.Param("id"), []string{c.Param("correlationId")}, func(byID map[string][]*api.Workflow) any {
		return byID[c.Param("correlationId")]
	})
}

// correlatedBatch is POST /api/workflow/{name}/correlated
// ?includeClosed&includeTasks with a JSON list of correlation ids: a map
// from each id to its workflows (the Go SDK's GetByCorrelationIds).
func (s *Server) correlatedBatch(c *gin.Context) {
	var ids []string
	if err := decodeJSON(c, &ids); err != nil {
		s.fail(c, err)
		return
	}
	s.correlated(c, c.Param("name"), ids, func(byID map[string][]*api.Workflow) any { return byID })
}

// correlated reads the workflows named name with each correlation id and
// answers what shape makes of them.
func (s *Server) correlated(c *gin.Context, name string, ids []string, shape func(map[string][]*api.Workflow) any) {
	includeClosed, err := queryBool(c, "includeClosed", false)
	if err != nil {
		s.fail(c, err)
		return
	}
	includeTasks, err := queryBool(c, "includeTasks", false)
	if err != nil {
		s.fail(c, err)
		return
	}
	byID := make(map[string][]*api.Workflow, len(ids))
	for _, id := range ids {
		wfs, err := s.opts.History.Correlated(c.Request.Context(), name, id, includeClosed, includeTasks)
		if err != nil {
			s.fail(c, err)
			return
		}
		out := make([]*api.Workflow, len(wfs))
		for i, wf := range wfs {
			out[i] = withTaskList(wf)
		}
		byID[id] = out
	}
	writeJSON(c, http.StatusOK, shape(byID))
}

// runningWorkflows is GET /api/workflow/running/{name}?version=1. The
// version defaults to 1, not the latest, as in Conductor. Its startTime and
// endTime window is not supported and is ignored.
func (s *Server) runningWorkflows(c *gin.Context) {
	version, err := queryInt(c, "version", 1)
	if err != nil {
		s.fail(c, err)
		return
	}
	ids, err := s.opts.History.Running(c.Request.Context(), c.Param("name"), version)
	if err != nil {
		s.fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, nonNil(ids))
}

// workflowEvents is GET /api/workflow/{id}/events: the execution's history,
// oldest first. This endpoint is Legato's own.
func (s *Server) workflowEvents(c *gin.Context) {
	evs, err := s.opts.History.Events(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, evs)
}
