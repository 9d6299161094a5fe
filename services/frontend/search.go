package frontend

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/visibility"
)

// The search endpoints answer from the read side (eventually consistent
// with history), as Conductor's: GET /workflow/search and /tasks/search
// return summaries, their -v2 forms the full workflows and tasks, read
// from history hit by hit.

// searchResult is Conductor's SearchResult.
type searchResult[T any] struct {
	TotalHits int64 `json:"totalHits"`
	Results   []T   `json:"results"`
}

// searchQuery reads a search's parameters: query, freeText, sort, start
// and size, with Conductor's classifier (classifier IN (...)) and
// topLevelOnly (parentWorkflowId is empty) folded into the query. Other
// parameters clients send along (skipCache) are ignored.
func searchQuery(c *gin.Context) (visibility.Query, error) {
	q := visibility.Query{Query: strings.TrimSpace(c.Query("query")), FreeText: c.Query("freeText"), Sort: c.Query("sort")}
	var err error
	if q.Start, err = queryInt(c, "start", 0); err != nil {
		return q, err
	}
	if q.Size, err = queryInt(c, "size", 100); err != nil {
		return q, err
	}
	if cl := strings.TrimSpace(c.Query("classifier")); cl != "" {
		q.Query = andQuery(q.Query, "classifier IN ("+cl+")")
	}
	if c.Query("topLevelOnly") == "true" {
		q.Query = andQuery(q.Query, `parentWorkflowId IS NULL`)
	}
	return q, nil
}

// andQuery is a AND b, either possibly empty.
func andQuery(a, b string) string {
	if a == "" {
		return b
	}
	return "(" + a + ") AND " + b
}

func (s *Server) searchWorkflows(c *gin.Context) {
	page, err := s.workflowHits(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	summaries(c, page)
}

func (s *Server) searchWorkflowsV2(c *gin.Context) {
	page, err := s.workflowHits(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.fullWorkflows(c, page)
}

// summaries answers a page of workflow summaries as Conductor does.
func summaries(c *gin.Context, page *visibility.Page[api.WorkflowSummary]) {
	out := searchResult[conductorWorkflowSummary]{TotalHits: page.TotalHits, Results: []conductorWorkflowSummary{}}
	for _, w := range page.Results {
		out.Results = append(out.Results, workflowSummaryJSON(w))
	}
	writeJSON(c, http.StatusOK, out)
}

// fullWorkflows answers a page of hits as the workflows themselves (no
// tasks), read from history; hits removed since they were indexed drop.
func (s *Server) fullWorkflows(c *gin.Context, page *visibility.Page[api.WorkflowSummary]) {
	out := searchResult[*api.Workflow]{TotalHits: page.TotalHits, Results: []*api.Workflow{}}
	for _, w := range page.Results {
		wf, err := s.opts.History.Workflow(c.Request.Context(), w.WorkflowID, false)
		if api.KindOf(err) == api.KindNotFound {
			continue // removed since it was indexed
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		out.Results = append(out.Results, withTaskList(wf))
	}
	writeJSON(c, http.StatusOK, out)
}

func (s *Server) workflowHits(c *gin.Context) (*visibility.Page[api.WorkflowSummary], error) {
	q, err := searchQuery(c)
	if err != nil {
		return nil, err
	}
	return s.opts.Search.SearchWorkflows(c.Request.Context(), q)
}

// byTasksReach is how many matching tasks search-by-tasks reads to find
// their workflows: totalHits counts the workflows of at most that many.
const byTasksReach = visibility.MaxSize

// workflowsByTasks answers search-by-tasks: the query and free text are
// matched against tasks, and the hits are those tasks' workflows, each
// once, sorted and paged as asked.
func (s *Server) workflowsByTasks(c *gin.Context) (*visibility.Page[api.WorkflowSummary], error) {
	q, err := searchQuery(c)
	if err != nil {
		return nil, err
	}
	ctx := c.Request.Context()
	tasks, err := s.opts.Search.SearchTasks(ctx, visibility.Query{Query: q.Query, FreeText: q.FreeText, Size: byTasksReach})
	if err != nil {
		return nil, err
	}
	var ids []string
	seen := map[string]bool{}
	for _, t := range tasks.Results {
		if !seen[t.WorkflowID] {
			seen[t.WorkflowID] = true
			ids = append(ids, strconv.Quote(t.WorkflowID))
		}
	}
	if len(ids) == 0 {
		return &visibility.Page[api.WorkflowSummary]{}, nil
	}
	return s.opts.Search.SearchWorkflows(ctx, visibility.Query{Query: "workflowId IN (" + strings.Join(ids, ",") + ")",
		Sort: q.Sort, Start: q.Start, Size: q.Size})
}

func (s *Server) searchByTasks(c *gin.Context) {
	page, err := s.workflowsByTasks(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	summaries(c, page)
}

func (s *Server) searchByTasksV2(c *gin.Context) {
	page, err := s.workflowsByTasks(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.fullWorkflows(c, page)
}

func (s *Server) taskHits(c *gin.Context) (*visibility.Page[api.TaskSummary], error) {
	q, err := searchQuery(c)
	if err != nil {
		return nil, err
	}
	return s.opts.Search.SearchTasks(c.Request.Context(), q)
}

func (s *Server) searchTasks(c *gin.Context) {
	page, err := s.taskHits(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := searchResult[conductorTaskSummary]{TotalHits: page.TotalHits, Results: []conductorTaskSummary{}}
	for _, t := range page.Results {
		out.Results = append(out.Results, taskSummaryJSON(t))
	}
	writeJSON(c, http.StatusOK, out)
}

func (s *Server) searchTasksV2(c *gin.Context) {
	page, err := s.taskHits(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	out := searchResult[*api.Task]{TotalHits: page.TotalHits, Results: []*api.Task{}}
	for _, t := range page.Results {
		task, err := s.opts.History.Task(c.Request.Context(), t.TaskID)
		if api.KindOf(err) == api.KindNotFound {
			continue
		}
		if err != nil {
			s.fail(c, err)
			return
		}
		out.Results = append(out.Results, task)
	}
	writeJSON(c, http.StatusOK, out)
}

// conductorWorkflowSummary is a WorkflowSummary as Conductor writes it:
// times as UTC strings, absent when unset.
type conductorWorkflowSummary struct {
	api.WorkflowSummary
	StartTime  string `json:"startTime,omitempty"`
	UpdateTime string `json:"updateTime,omitempty"`
	EndTime    string `json:"endTime,omitempty"`
}

func workflowSummaryJSON(w api.WorkflowSummary) conductorWorkflowSummary {
	out := conductorWorkflowSummary{WorkflowSummary: w}
	if w.StartTime > 0 {
		out.StartTime = conductorTime(w.StartTime)
	}
	if w.UpdateTime > 0 {
		out.UpdateTime = conductorTime(w.UpdateTime)
	}
	if w.EndTime > 0 {
		out.EndTime = conductorTime(w.EndTime)
	}
	return out
}

// conductorTaskSummary is a TaskSummary as Conductor writes it: times
// always as UTC strings, 0 as the epoch.
type conductorTaskSummary struct {
	api.TaskSummary
	ScheduledTime string `json:"scheduledTime"`
	StartTime     string `json:"startTime"`
	UpdateTime    string `json:"updateTime"`
	EndTime       string `json:"endTime"`
}

func taskSummaryJSON(t api.TaskSummary) conductorTaskSummary {
	return conductorTaskSummary{TaskSummary: t, ScheduledTime: conductorTime(t.ScheduledTime),
		StartTime: conductorTime(t.StartTime), UpdateTime: conductorTime(t.UpdateTime), EndTime: conductorTime(t.EndTime)}
}

// conductorTime is Conductor's summary time format, yyyy-MM-dd'T'HH:mm:ss.SSS'Z'.
func conductorTime(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z")
}
