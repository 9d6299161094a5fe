package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/client"
)

// What happens to a fault workflow after it failed: the operator's retry
// and the engine's failure workflow.

// faultRetrier retries, once, each workflow it watches as soon as it has
// failed, through kills: a retry whose answer was lost is not sent again
// once the workflow shows it (lastRetriedTime).
type faultRetrier struct {
	c    *client.Client
	base string // the server's URL, the same across restarts
	wg   sync.WaitGroup
	mu   sync.Mutex
	acks map[string]int64 // workflow id: epoch ms the retry was acknowledged, 0 if its answer was lost
}

func newFaultRetrier(c *client.Client, base string) *faultRetrier {
	return &faultRetrier{c: c, base: base, acks: map[string]int64{}}
}

func (fr *faultRetrier) watch(ctx context.Context, id string) {
	fr.wg.Go(func() {
		sent := false
		until(ctx, func() bool {
			wf, err := fr.c.Workflow(ctx, id, false)
			switch {
			case err != nil: // server down
			case wf.LastRetriedTime > 0 || wf.Status == api.WorkflowCompleted:
				if sent {
					fr.record(id, 0)
				}
				return true
			case wf.Status == api.WorkflowFailed || wf.Status == api.WorkflowTimedOut:
				sent = true
				if err := postRetry(ctx, fr.base, id); err == nil {
					fr.record(id, time.Now().UnixMilli())
					return true
				}
			}
			return false
		})
	})
}

func (fr *faultRetrier) record(id string, ackedAt int64) {
	fr.mu.Lock()
	defer fr.mu.Unlock()
	if _, ok := fr.acks[id]; !ok || ackedAt > 0 {
		fr.acks[id] = ackedAt
	}
}

// retried is what the retrier did, once it stopped.
func (fr *faultRetrier) retried() map[string]int64 {
	fr.wg.Wait()
	fr.mu.Lock()
	defer fr.mu.Unlock()
	return fr.acks
}

// postRetry is the operator's POST /api/workflow/{id}/retry.
func postRetry(ctx context.Context, base, id string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/workflow/"+url.PathEscape(id)+"/retry", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("retry %s: %s", id, resp.Status)
	}
	return nil
}

// failureRun is a failed workflow's failure workflow as the audit sees it:
// the one its output names, and every workflow of the failure workflow's
// type correlated with it.
type failureRun struct {
	fw         *api.Workflow
	correlated []*api.Workflow
}

// awaitFailureWorkflows waits until the failure workflow of each failed
// run has started and ended (a start lost in a kill is retried 30 s later)
// and collects them, by failed workflow id.
func awaitFailureWorkflows(t *testing.T, ctx context.Context, c *client.Client, base string, runs []*faultRun) map[string]*failureRun {
	t.Helper()
	out := map[string]*failureRun{}
	for _, run := range runs {
		if run.shape.failureWorkflow == nil {
			continue
		}
		wf := awaitEnded(t, ctx, c, run.id)
		f := &failureRun{}
		if id, _ := wf.Output[failureWorkflowKey].(string); id != "" && wf.Status != api.WorkflowCompleted {
			f.fw = awaitEnded(t, ctx, c, id)
		}
		u := base + "/api/workflow/" + run.shape.failureWorkflow.workflowName() + "/correlated/" + url.PathEscape(run.key) + "?includeClosed=true&includeTasks=false"
		if err := getJSON(ctx, u, &f.correlated); err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		out[run.id] = f
	}
	return out
}

const failureWorkflowKey = "conductor.failure_workflow"

func getJSON(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// failureWorkflow checks the failure workflow of run, whose workflow wf
// ended: exactly one started if the engine failed wf, none otherwise, and
// it names wf, as wf's output names it.
func (a *faultAudit) failureWorkflow(run *faultRun, wf *api.Workflow, f *failureRun) {
	named, _ := wf.Output[failureWorkflowKey].(string)
	if wf.Status == api.WorkflowCompleted {
		if named != "" || len(f.correlated) != 0 {
			a.errorf(wf, "completed, yet its output names failure workflow %q and %d were started", named, len(f.correlated))
		}
		return
	}
	if named == "" || f.fw == nil {
		a.errorf(wf, "%s (%q), yet its output names no failure workflow: %v", wf.Status, wf.ReasonForIncompletion, wf.Output)
		return
	}
	fw, in := f.fw, f.fw.Input
	failed, _ := in["failedWorkflow"].(map[string]any)
	switch {
	case fw.WorkflowName != run.shape.failureWorkflow.workflowName() || fw.CorrelationID != run.key:
		a.errorf(wf, "failure workflow %s is a %s correlated %q", named, fw.WorkflowName, fw.CorrelationID)
	case in["workflowId"] != wf.WorkflowID || in["failureStatus"] != wf.Status || in["reason"] != wf.ReasonForIncompletion:
		a.errorf(wf, "failure workflow %s input: workflowId %v, failureStatus %v, reason %q", named, in["workflowId"], in["failureStatus"], in["reason"])
	case failed == nil || failed["workflowId"] != wf.WorkflowID:
		a.errorf(wf, "failure workflow %s input failedWorkflow %v", named, failed)
	}
	if len(f.correlated) != 1 || f.correlated[0].WorkflowID != named {
		var ids []string
		for _, c := range f.correlated {
			ids = append(ids, c.WorkflowID)
		}
		a.errorf(wf, "its output names failure workflow %s; started: %v", named, ids)
	}
	// Started right after the commit, or, if a kill came first, by the
	// retry 30 s later.
	if late := fw.CreateTime - wf.EndTime; late > lateSlack {
		if !a.killedSoonAfter(wf.EndTime) {
			a.errorf(wf, "its failure workflow started %d ms after it ended, with no kill in between", late)
		}
		a.seen["failure workflows started again after a kill"]++
	}
	a.seen["failure workflows of "+wf.Status]++
}
