package frontend

import (
	"cmp"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/persistence"
	"github.com/legatohq/legato/pkg/workflow"
)

// Metadata endpoints. Every definition gets Conductor's defaults and is
// validated before anything is stored, so a stored definition is always
// one the engine can run, and a request with one bad definition in a list
// stores none of them.

// registerTaskDefs is POST /api/metadata/taskdefs: upsert a list.
func (s *Server) registerTaskDefs(c *gin.Context) {
	var defs []*workflow.TaskDef
	if err := decodeJSON(c, &defs); err != nil && !errors.Is(err, errEmptyBody) {
		s.fail(c, err)
		return
	}
	if len(defs) == 0 {
		s.fail(c, invalid("the body must be a non-empty list of task definitions"))
		return
	}
	now := s.opts.Now().UnixMilli()
	var bad []error
	for i, d := range defs {
		if d == nil {
			bad = append(bad, invalid("task definition [%d] is null", i))
			continue
		}
		d.ApplyDefaults()
		if err := d.Validate(); err != nil {
			bad = append(bad, err)
		}
		// As Conductor: registering stamps a fresh create time.
		d.CreateTime, d.UpdateTime, d.UpdatedBy = now, 0, ""
	}
	if err := joinInvalid(bad); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.opts.Meta.PutTaskDefs(c.Request.Context(), defs); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusOK)
}

// updateTaskDef is PUT /api/metadata/taskdefs: replace one that exists.
func (s *Server) updateTaskDef(c *gin.Context) {
	var d workflow.TaskDef
	if err := decodeJSON(c, &d); err != nil {
		s.fail(c, err)
		return
	}
	d.ApplyDefaults()
	if err := d.Validate(); err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	old, err := s.opts.Meta.TaskDef(ctx, d.Name)
	if err != nil {
		s.fail(c, taskDefErr(err, d.Name))
		return
	}
	if d.CreateTime == 0 {
		d.CreateTime = old.CreateTime
	}
	d.UpdateTime = s.opts.Now().UnixMilli()
	if err := s.opts.Meta.PutTaskDefs(ctx, []*workflow.TaskDef{&d}); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusOK)
}

func (s *Server) listTaskDefs(c *gin.Context) {
	defs, err := s.opts.Meta.TaskDefs(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	slices.SortFunc(defs, func(a, b *workflow.TaskDef) int { return cmp.Compare(a.Name, b.Name) })
	writeJSON(c, http.StatusOK, nonNil(defs))
}

func (s *Server) getTaskDef(c *gin.Context) {
	name := c.Param("name")
	d, err := s.opts.Meta.TaskDef(c.Request.Context(), name)
	if err != nil {
		s.fail(c, taskDefErr(err, name))
		return
	}
	writeJSON(c, http.StatusOK, d)
}

func (s *Server) deleteTaskDef(c *gin.Context) {
	name := c.Param("name")
	ctx := c.Request.Context()
	// Read first: the store need not report deleting something absent, and
	// Conductor answers 404 for it.
	if _, err := s.opts.Meta.TaskDef(ctx, name); err != nil {
		s.fail(c, taskDefErr(err, name))
		return
	}
	if err := s.opts.Meta.DeleteTaskDef(ctx, name); err != nil {
		s.fail(c, taskDefErr(err, name))
		return
	}
	c.Status(http.StatusOK)
}

// registerWorkflowDef is POST /api/metadata/workflow: create, or upsert
// with ?overwrite=true.
func (s *Server) registerWorkflowDef(c *gin.Context) {
	overwrite, err := queryBool(c, "overwrite", false)
	if err != nil {
		s.fail(c, err)
		return
	}
	d, err := s.decodeWorkflowDef(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	if overwrite {
		err = s.putWorkflowDef(c, d)
	} else {
		d.CreateTime, d.UpdateTime = s.opts.Now().UnixMilli(), 0
		err = s.opts.Meta.CreateWorkflowDef(ctx, d)
		if errors.Is(err, persistence.ErrConflict) {
			err = api.Errorf(api.KindConflict, "workflow %s version %d already exists; use PUT /api/metadata/workflow or ?overwrite=true to replace it", d.Name, d.Version)
		}
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusOK)
}

// putWorkflowDef upserts d, keeping the create time of the version it
// replaces.
func (s *Server) putWorkflowDef(c *gin.Context, d *workflow.WorkflowDef) error {
	ctx := c.Request.Context()
	now := s.opts.Now().UnixMilli()
	old, err := s.opts.Meta.WorkflowDef(ctx, d.Name, d.Version)
	switch {
	case err == nil:
		if d.CreateTime == 0 {
			d.CreateTime = old.CreateTime
		}
		d.UpdateTime = now
	case errors.Is(err, persistence.ErrNotFound):
		if d.CreateTime == 0 {
			d.CreateTime = now
		}
	default:
		return err
	}
	return s.opts.Meta.PutWorkflowDef(ctx, d)
}

// decodeWorkflowDef reads one definition from the body, with defaults
// applied, and validates it.
func (s *Server) decodeWorkflowDef(c *gin.Context) (*workflow.WorkflowDef, error) {
	var d workflow.WorkflowDef
	if err := decodeJSON(c, &d); err != nil {
		return nil, err
	}
	d.ApplyDefaults()
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return &d, nil
}

// validateWorkflowDef is POST /api/metadata/workflow/validate.
func (s *Server) validateWorkflowDef(c *gin.Context) {
	if _, err := s.decodeWorkflowDef(c); err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusOK)
}

// bulkResponse is Conductor's BulkResponse<String>.
type bulkResponse struct {
	BulkSuccessfulResults []string          `json:"bulkSuccessfulResults"`
	BulkErrorResults      map[string]string `json:"bulkErrorResults"`
}

// updateWorkflowDefs is PUT /api/metadata/workflow: upsert a list. As in
// Conductor, an invalid definition fails the whole request with 400 before
// anything is stored; a definition the store then refuses is reported in
// bulkErrorResults while the others are stored.
func (s *Server) updateWorkflowDefs(c *gin.Context) {
	var defs []*workflow.WorkflowDef
	if err := decodeJSON(c, &defs); err != nil {
		s.fail(c, err)
		return
	}
	var bad []error
	for i, d := range defs {
		if d == nil {
			bad = append(bad, invalid("workflow definition [%d] is null", i))
			continue
		}
		d.ApplyDefaults()
		if err := d.Validate(); err != nil {
			bad = append(bad, err)
		}
	}
	if err := joinInvalid(bad); err != nil {
		s.fail(c, err)
		return
	}
	resp := bulkResponse{BulkSuccessfulResults: []string{}, BulkErrorResults: map[string]string{}}
	for _, d := range defs {
		if err := s.putWorkflowDef(c, d); err != nil {
			if statusOf(err) >= 500 {
				s.log.ErrorContext(c.Request.Context(), "storing workflow definition failed",
					"workflow", d.Name, "version", d.Version, "err", err)
			}
			resp.BulkErrorResults[d.Name] = err.Error()
			continue
		}
		resp.BulkSuccessfulResults = append(resp.BulkSuccessfulResults, d.Name)
	}
	writeJSON(c, http.StatusOK, resp)
}

// getWorkflowDef is GET /api/metadata/workflow/{name}?version, the latest
// version when none is given.
func (s *Server) getWorkflowDef(c *gin.Context) {
	name := c.Param("name")
	version, err := queryInt(c, "version", 0)
	if err != nil {
		s.fail(c, err)
		return
	}
	d, err := s.opts.Meta.WorkflowDef(c.Request.Context(), name, version)
	if err != nil {
		s.fail(c, workflowDefErr(err, name, version))
		return
	}
	writeJSON(c, http.StatusOK, d)
}

func (s *Server) listWorkflowDefs(c *gin.Context) {
	defs, err := s.allWorkflowDefs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, defs)
}

// allWorkflowDefs returns every version of every definition, by name then
// version.
func (s *Server) allWorkflowDefs(c *gin.Context) ([]*workflow.WorkflowDef, error) {
	defs, err := s.opts.Meta.WorkflowDefs(c.Request.Context())
	if err != nil {
		return nil, err
	}
	slices.SortFunc(defs, func(a, b *workflow.WorkflowDef) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Version, b.Version))
	})
	return nonNil(defs), nil
}

// workflowDefSummary is Conductor's WorkflowDefSummary.
type workflowDefSummary struct {
	Name       string `json:"name"`
	Version    int    `json:"version"`
	CreateTime int64  `json:"createTime,omitempty"`
	UpdateTime int64  `json:"updateTime,omitempty"`
}

func summarize(d *workflow.WorkflowDef) workflowDefSummary {
	return workflowDefSummary{Name: d.Name, Version: d.Version, CreateTime: d.CreateTime, UpdateTime: d.UpdateTime}
}

// workflowNamesAndVersions is GET …/names-and-versions:
// {name: [{name, version, createTime, updateTime}]}, versions ascending.
func (s *Server) workflowNamesAndVersions(c *gin.Context) {
	defs, err := s.allWorkflowDefs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := map[string][]workflowDefSummary{}
	for _, d := range defs {
		out[d.Name] = append(out[d.Name], summarize(d))
	}
	writeJSON(c, http.StatusOK, out)
}

// workflowNames is GET …/names: the distinct names, sorted.
func (s *Server) workflowNames(c *gin.Context) {
	defs, err := s.allWorkflowDefs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	names := []string{}
	for _, d := range defs {
		if len(names) == 0 || names[len(names)-1] != d.Name {
			names = append(names, d.Name)
		}
	}
	writeJSON(c, http.StatusOK, names)
}

// workflowVersions is GET …/{name}/versions: summaries of one name's
// versions, 404 when there are none.
func (s *Server) workflowVersions(c *gin.Context) {
	name := c.Param("name")
	defs, err := s.allWorkflowDefs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := []workflowDefSummary{}
	for _, d := range defs {
		if d.Name == name {
			out = append(out, summarize(d))
		}
	}
	if len(out) == 0 {
		s.fail(c, notFound("no workflow definition named %s", name))
		return
	}
	writeJSON(c, http.StatusOK, out)
}

// latestWorkflowDefs is GET …/latest-versions: the highest version of each
// name.
func (s *Server) latestWorkflowDefs(c *gin.Context) {
	defs, err := s.allWorkflowDefs(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := []*workflow.WorkflowDef{}
	for i, d := range defs {
		// Sorted by name then version: the last of each name is the latest.
		if i+1 == len(defs) || defs[i+1].Name != d.Name {
			out = append(out, d)
		}
	}
	writeJSON(c, http.StatusOK, out)
}

// deleteWorkflowDef is DELETE /api/metadata/workflow/{name}/{version}.
func (s *Server) deleteWorkflowDef(c *gin.Context) {
	name := c.Param("name")
	version, err := pathInt(c, "version")
	if err != nil {
		s.fail(c, err)
		return
	}
	if version < 1 {
		s.fail(c, invalid("version must be at least 1, got %d", version))
		return
	}
	ctx := c.Request.Context()
	if _, err := s.opts.Meta.WorkflowDef(ctx, name, version); err != nil {
		s.fail(c, workflowDefErr(err, name, version))
		return
	}
	if err := s.opts.Meta.DeleteWorkflowDef(ctx, name, version); err != nil {
		s.fail(c, workflowDefErr(err, name, version))
		return
	}
	c.Status(http.StatusOK)
}

// taskDefErr gives a store's not-found a message naming the task.
func taskDefErr(err error, name string) error {
	if errors.Is(err, persistence.ErrNotFound) {
		return notFound("no task definition named %s", name)
	}
	return err
}

// workflowDefErr gives a store's not-found a message naming the workflow.
func workflowDefErr(err error, name string, version int) error {
	if !errors.Is(err, persistence.ErrNotFound) {
		return err
	}
	if version == 0 {
		return notFound("no workflow definition named %s", name)
	}
	return notFound("no workflow definition named %s with version %d", name, version)
}

// joinInvalid merges the validation errors of a list into one 400 whose
// message lists every problem.
func joinInvalid(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return invalid("%d definitions are invalid: %s", len(errs), strings.Join(msgs, " | "))
}

// nonNil returns s, or an empty slice when s is nil, so lists encode as [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
