package frontend

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/legatohq/legato/pkg/api"
)

// maxExecuteWait caps waitForSeconds of a synchronous execution.
const maxExecuteWait = 60 * time.Second

// executeWorkflow is POST /api/workflow/execute/{name}/{version}
// ?requestId&waitUntilTaskRef=a,b&waitForSeconds=10 with a
// StartWorkflowRequest body: start the workflow and answer once it ends,
// blocks on a WAIT task, or a listed task reference finishes — or, after
// waitForSeconds, with its current state and signalTimeout. Upstream polls
// every 100 ms; Legato wakes on the workflow's commits.
func (s *Server) executeWorkflow(c *gin.Context) {
	var req api.StartWorkflowRequest
	if err := decodeJSON(c, &req); err != nil && err != errEmptyBody {
		s.fail(c, err)
		return
	}
	version, err := strconv.Atoi(c.Param("version"))
	if err != nil || version < 0 {
		s.fail(c, invalid("version must be a non-negative integer, got %q", c.Param("version")))
		return
	}
	req.Name, req.Version = c.Param("name"), version
	if err := checkPriority(req.Priority); err != nil {
		s.fail(c, err)
		return
	}
	wait := 10
	if v := c.Query("waitForSeconds"); v != "" {
		if wait, err = strconv.Atoi(v); err != nil || wait < 0 {
			s.fail(c, invalid("waitForSeconds must be a non-negative integer, got %q", v))
			return
		}
	}
	var refs []string
	for _, r := range strings.Split(c.Query("waitUntilTaskRef"), ",") {
		if r = strings.TrimSpace(r); r != "" {
			refs = append(refs, r)
		}
	}
	ctx := c.Request.Context()
	id, err := s.opts.History.StartWorkflow(ctx, &req)
	if err != nil {
		s.fail(c, err)
		return
	}
	deadline := time.NewTimer(min(time.Duration(wait)*time.Second, maxExecuteWait))
	defer deadline.Stop()
	for {
		changed, stop := s.opts.History.Watch(id)
		wf, err := s.opts.History.Workflow(ctx, id, true)
		if err != nil {
			stop()
			s.fail(c, err)
			return
		}
		if executeDone(wf, refs) {
			stop()
			writeJSON(c, http.StatusOK, signalResponse(wf, c.Query("requestId"), false))
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			stop()
			writeJSON(c, http.StatusOK, signalResponse(wf, c.Query("requestId"), true))
			return
		case <-ctx.Done():
			stop()
			return
		}
	}
}

// executeDone is upstream's condition for answering a synchronous start.
func executeDone(wf *api.Workflow, refs []string) bool {
	if api.WorkflowTerminal(wf.Status) {
		return true
	}
	for _, t := range wf.Tasks {
		if t.TaskType == "WAIT" && t.Status == api.TaskInProgress && t.InputData["duration"] == nil && t.InputData["until"] == nil {
			return true
		}
		for _, r := range refs {
			if t.ReferenceTaskName == r && api.TaskTerminal(t.Status) {
				return true
			}
		}
	}
	return false
}

// signalResponse is Conductor's SignalResponse for returnStrategy
// TARGET_WORKFLOW: the workflow's fields plus the response's own.
func signalResponse(wf *api.Workflow, requestID string, timedOut bool) map[string]any {
	var out map[string]any
	b, _ := json.Marshal(withTaskList(wf))
	json.Unmarshal(b, &out)
	out["responseType"] = "TARGET_WORKFLOW"
	out["targetWorkflowId"] = wf.WorkflowID
	out["targetWorkflowStatus"] = wf.Status
	out["requestId"] = requestID
	out["signalTimeout"] = timedOut
	return out
}
