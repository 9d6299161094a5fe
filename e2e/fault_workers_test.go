package e2e

import (
	"context"
	"sync"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/client"
)

// slowFor is how long a slow worker takes: long enough for kills to land
// mid-task, well inside the 10 s response timeout of the slow shape.
const slowFor = 700 * time.Millisecond

// heartbeat is how often a keepalive worker reports IN_PROGRESS: well
// inside the 1 s response timeout of its policies, which would otherwise
// end the attempt before its 2 s timeoutSeconds.
const heartbeat = 250 * time.Millisecond

// faultWorkers poll every fault task type and act out each attempt's plan.
// They record every attempt a poll handed out and every result the server
// acknowledged, which is what the audit holds the server to.
type faultWorkers struct {
	c    *client.Client
	mu   sync.Mutex
	got  map[string]*delivery // by task id
	acts sync.WaitGroup
	gate chan struct{} // closed when the gated policies' workers start
}

// delivery is what the workers know about one task attempt.
type delivery struct {
	workflowID string
	action     string
	polls      int     // times a poll handed this attempt out (keepalive: once per heartbeat)
	acks       []int64 // epoch ms when the server acknowledged a result
	errs       []error // results the server refused
}

func newFaultWorkers(c *client.Client) *faultWorkers {
	return &faultWorkers{c: c, got: map[string]*delivery{}, gate: make(chan struct{})}
}

// poll polls p's type until ctx is done, a gated policy's only once the
// gate is open; the results of attempts in hand are still reported with
// reportCtx (late answers come after polling stopped).
func (fw *faultWorkers) poll(ctx, reportCtx context.Context, p *faultPolicy) {
	taskType := p.name
	if p.gated {
		select {
		case <-ctx.Done():
		case <-fw.gate:
		}
	}
	for ctx.Err() == nil {
		var tasks []*api.Task
		// While the server is down, retry shortly.
		if !until(ctx, func() bool {
			var err error
			tasks, err = fw.c.BatchPoll(ctx, taskType, "fault-worker", "", 8, 500*time.Millisecond)
			return err == nil
		}) {
			return
		}
		for _, task := range tasks {
			action := planned(task.InputData["plan"], task.RetryCount)
			fw.mu.Lock()
			d := fw.got[task.TaskID]
			if d == nil {
				d = &delivery{workflowID: task.WorkflowInstanceID, action: action}
				fw.got[task.TaskID] = d
			}
			d.polls++
			fw.mu.Unlock()
			fw.acts.Add(1)
			go func() {
				defer fw.acts.Done()
				fw.act(reportCtx, task, action, d)
			}()
		}
	}
}

func (fw *faultWorkers) act(ctx context.Context, task *api.Task, action string, d *delivery) {
	received := time.Now()
	post := func(status string, out map[string]any) {
		err := fw.c.UpdateTask(ctx, &api.TaskResult{WorkflowInstanceID: task.WorkflowInstanceID, TaskID: task.TaskID,
			Status: status, OutputData: out, ReasonForIncompletion: "planned " + action, WorkerID: "fault-worker"})
		fw.mu.Lock()
		defer fw.mu.Unlock()
		if err != nil {
			d.errs = append(d.errs, err)
			return
		}
		d.acks = append(d.acks, time.Now().UnixMilli())
	}
	done := map[string]any{"by": task.TaskID}
	switch action {
	case actCrash:
	case actLate:
		// Answer once the server says the attempt has timed out (or after
		// far longer than it should take: the audit then sees why).
		giveUp := received.Add(time.Duration(task.ResponseTimeoutSeconds)*time.Second + 30*time.Second)
		waitCtx, cancel := context.WithDeadline(ctx, giveUp)
		until(waitCtx, func() bool {
			t, err := fw.c.Task(waitCtx, task.TaskID)
			return err == nil && api.TaskTerminal(t.Status)
		})
		cancel()
		post(api.TaskCompleted, map[string]any{"by": task.TaskID, "late": true})
	case actKeepAlive:
		// Back on the queue at once: the next poll hands it out again. The
		// sleep is the point: a worker that takes its time.
		sleepCtx(ctx, heartbeat)
		post(api.TaskInProgress, nil)
	case actSlow:
		// The sleep is the point: slower than the response timeout.
		sleepCtx(ctx, slowFor)
		post(api.TaskCompleted, done)
	case actDup:
		post(api.TaskCompleted, done)
		post(api.TaskCompleted, done)
	case actDupFail:
		post(api.TaskFailed, nil)
		post(api.TaskFailed, nil)
	case actFail, actTerminal:
		post(attemptStatus(action), nil)
	default:
		post(api.TaskCompleted, done)
	}
}

// deliveries is a copy of what the workers recorded, once they stopped.
func (fw *faultWorkers) deliveries() map[string]delivery {
	fw.mu.Lock()
	defer fw.mu.Unlock()
	m := make(map[string]delivery, len(fw.got))
	for id, d := range fw.got {
		m[id] = *d
	}
	return m
}

// sleepCtx waits d or until ctx ends: a worker that is slow on purpose
// must not outlive the test.
func sleepCtx(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
