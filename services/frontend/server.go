package frontend

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/legatohq/legato/pkg/persistence"
)

// Defaults for Options fields left zero.
const (
	DefaultMaxBodyBytes   = 4 << 20
	DefaultMaxPollTimeout = 5 * time.Second
	// singlePollWait is how long GET /api/tasks/poll/{type} waits for a
	// task. Conductor's single poll barely waits; workers that want to
	// long-poll use the batch endpoint with a timeout.
	singlePollWait = 100 * time.Millisecond
	// defaultBatchPollTimeout is the batch poll's timeout when the query
	// names none, as in Conductor.
	defaultBatchPollTimeout = 100 * time.Millisecond
)

// Options configure a Server. The zero value of each field means its
// default.
type Options struct {
	// History and Matching serve the workflow and task endpoints. Either may
	// be nil (tests of the metadata API); endpoints that need it then answer
	// 503.
	History  History
	Matching Matching
	// Meta stores definitions; nil makes the metadata endpoints answer 503.
	Meta persistence.MetadataStore
	// Search answers the search endpoints from the read side; nil (the
	// read side is off) makes them answer 503.
	Search Search
	// Analytics answers the analytics endpoints and the workflow count
	// from the read side; nil makes them answer 503.
	Analytics Analytics

	// MaxBodyBytes bounds a request body; larger bodies get 413.
	// Default 4 MiB.
	MaxBodyBytes int64
	// MaxPollTimeout bounds the timeout of a batch poll; a larger one gets
	// 400, as Conductor rejects timeouts above 5 s. Default 5 s.
	MaxPollTimeout time.Duration

	// Logger receives server errors (5xx) and panics. Default: discard.
	Logger *slog.Logger
	// Now is the clock that stamps definitions' create and update times.
	// Default time.Now.
	Now func() time.Time
}

// ErrInvalidOptions is wrapped by Validate and New.
var ErrInvalidOptions = errors.New("frontend: invalid options")

// EnsureDefaults fills zero fields with their defaults.
func (o *Options) EnsureDefaults() {
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.MaxPollTimeout == 0 {
		o.MaxPollTimeout = DefaultMaxPollTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Validate names the first bad field of defaulted Options and its value.
func (o *Options) Validate() error {
	if o.MaxBodyBytes < 0 {
		return fmt.Errorf("%w: Options.MaxBodyBytes is %d, want >= 0", ErrInvalidOptions, o.MaxBodyBytes)
	}
	if o.MaxPollTimeout < 0 {
		return fmt.Errorf("%w: Options.MaxPollTimeout is %v, want >= 0", ErrInvalidOptions, o.MaxPollTimeout)
	}
	return nil
}

// Server is the HTTP frontend. It holds no state of its own beyond its
// configuration; every instance behind a load balancer is interchangeable.
type Server struct {
	opts     Options
	log      *slog.Logger
	instance string // the hostname, reported in error bodies as Conductor does
	engine   *gin.Engine
}

// New returns a Server for opts, or an error wrapping ErrInvalidOptions.
func New(opts Options) (*Server, error) {
	opts.EnsureDefaults()
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "legato"
	}
	s := &Server{opts: opts, log: opts.Logger, instance: host}
	s.engine = s.routes()
	return s, nil
}

// Handler returns the http.Handler serving the API.
func (s *Server) Handler() http.Handler { return s.engine }

// routes builds the router. gin.New is used rather than gin.Default so that
// no logger or recovery writes to stdout; our recovery answers with the
// Conductor error body.
//
// gin requires parameters at the same position of one method's tree to
// share a name, so /workflow/{name}/correlated/{cid} is registered with
// :id like its sibling /workflow/{id}, and likewise under /tasks; the
// POST /workflow/{id}/... routes name the id :name like POST
// /workflow/{name}.
func (s *Server) routes() *gin.Engine {
	e := gin.New()
	e.HandleMethodNotAllowed = true
	// Match on the escaped path so ids and names containing %2F work.
	e.UseRawPath = true
	e.UnescapePathValues = true
	e.Use(s.recovery, s.limitBody)
	e.NoRoute(s.noRoute)
	e.NoMethod(s.noMethod)

	e.GET("/health", s.health)
	a := e.Group("/api")
	a.GET("/health", s.health)

	meta := s.need("metadata store", s.opts.Meta != nil)
	a.POST("/metadata/taskdefs", meta, s.registerTaskDefs)
	a.PUT("/metadata/taskdefs", meta, s.updateTaskDef)
	a.GET("/metadata/taskdefs", meta, s.listTaskDefs)
	a.GET("/metadata/taskdefs/:name", meta, s.getTaskDef)
	a.DELETE("/metadata/taskdefs/:name", meta, s.deleteTaskDef)
	a.POST("/metadata/workflow", meta, s.registerWorkflowDef)
	a.POST("/metadata/workflow/validate", s.validateWorkflowDef)
	a.PUT("/metadata/workflow", meta, s.updateWorkflowDefs)
	a.GET("/metadata/workflow", meta, s.listWorkflowDefs)
	a.GET("/metadata/workflow/names", meta, s.workflowNames)
	a.GET("/metadata/workflow/names-and-versions", meta, s.workflowNamesAndVersions)
	a.GET("/metadata/workflow/latest-versions", meta, s.latestWorkflowDefs)
	a.GET("/metadata/workflow/:name", meta, s.getWorkflowDef)
	a.GET("/metadata/workflow/:name/versions", meta, s.workflowVersions)
	a.DELETE("/metadata/workflow/:name/:version", meta, s.deleteWorkflowDef)
	a.POST("/event", meta, s.addEventHandler)
	a.PUT("/event", meta, s.updateEventHandler)
	a.GET("/event", meta, s.listEventHandlers)
	a.GET("/event/:event", meta, s.eventHandlersForEvent)
	a.DELETE("/event/:event", meta, s.deleteEventHandler) // :event is the handler's name

	hist := s.need("history service", s.opts.History != nil)
	a.POST("/workflow", hist, s.startWorkflow)
	a.POST("/workflow/:name", hist, s.startWorkflowByName)
	a.GET("/workflow/running/:name", hist, s.runningWorkflows)
	srch := s.need("search (the read side; it is off with --visibility none)", s.opts.Search != nil)
	a.GET("/workflow/search", srch, s.searchWorkflows)
	a.GET("/workflow/search-v2", srch, hist, s.searchWorkflowsV2)
	a.GET("/workflow/search-by-tasks", srch, s.searchByTasks)
	a.GET("/workflow/search-by-tasks-v2", srch, hist, s.searchByTasksV2)
	a.GET("/tasks/search", srch, s.searchTasks)
	a.GET("/tasks/search-v2", srch, hist, s.searchTasksV2)
	stats := s.need("analytics (the read side; it is off with --visibility none)", s.opts.Analytics != nil)
	a.GET("/workflow/count", stats, s.countWorkflows)
	a.GET("/analytics/workflows/counts", stats, s.workflowCounts)
	a.GET("/analytics/workflows/durations", stats, s.durations(false))
	a.GET("/analytics/tasks/durations", stats, s.durations(true))
	a.GET("/analytics/failures/top", stats, s.topFailures)
	a.GET("/workflow/:id", hist, s.getWorkflow)
	a.GET("/workflow/:id/status", hist, s.workflowStatus)
	a.GET("/workflow/:id/events", hist, s.workflowEvents)
	a.GET("/workflow/:id/correlated/:correlationId", hist, s.correlatedWorkflows) // :id is the workflow name
	a.POST("/workflow/:name/correlated", hist, s.correlatedBatch)
	a.DELETE("/workflow/:id", hist, s.terminateWorkflow)
	a.DELETE("/workflow/:id/remove", hist, s.removeWorkflow)
	a.DELETE("/workflow/:id/terminate-remove", hist, s.terminateRemoveWorkflow)
	a.PUT("/workflow/:id/pause", hist, s.pauseWorkflow)
	a.PUT("/workflow/:id/resume", hist, s.resumeWorkflow)
	a.POST("/workflow/:name/retry", hist, s.retryWorkflow) // :name is the workflow id
	a.POST("/workflow/:name/restart", hist, s.restartWorkflow)
	a.POST("/workflow/:name/rerun", hist, s.rerunWorkflow)
	a.POST("/workflow/:name/resetcallbacks", hist, s.resetCallbacks)
	a.PUT("/workflow/:id/skiptask/:ref", hist, s.skipTask)
	a.PUT("/workflow/decide/:id", hist, s.decideWorkflow)
	a.GET("/workflow/:id/tasks", hist, s.workflowTasks)
	a.PUT("/workflow/bulk/pause", hist, s.bulk(s.pauseOne))
	a.PUT("/workflow/bulk/resume", hist, s.bulk(s.resumeOne))
	a.POST("/workflow/bulk/terminate", hist, s.bulk(s.terminateOne))
	a.DELETE("/workflow/bulk/remove", hist, s.bulk(s.removeOne))
	a.POST("/workflow/bulk/restart", hist, s.bulkRestart)
	a.POST("/workflow/bulk/retry", hist, s.bulk(s.retryOne(false)))
	a.DELETE("/workflow/bulk/terminate-remove", hist, s.bulk(s.terminateRemoveOne))
	a.POST("/workflow/execute/:name/:version", hist, s.executeWorkflow)

	match := s.need("matching service", s.opts.Matching != nil)
	a.GET("/tasks/poll/:type", match, s.pollTask)
	a.GET("/tasks/poll/batch/:type", match, s.batchPoll)
	a.GET("/tasks/queue/sizes", match, s.queueSizes)
	a.GET("/tasks/queue/polldata", match, s.pollData)
	a.POST("/tasks", hist, s.updateTask)
	a.POST("/tasks/update-v2", hist, match, s.updateTaskV2)
	a.POST("/tasks/:id/:ref/:status", hist, s.updateTaskByRef) // :id is the workflow id
	a.GET("/tasks/:id", hist, s.getTask)
	a.POST("/tasks/:id/log", hist, s.addTaskLog)
	a.GET("/tasks/:id/log", hist, s.taskLogs)
	return e
}
