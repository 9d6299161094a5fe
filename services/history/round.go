package history

import (
	"context"
	"errors"
	"fmt"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/persistence"
)

// touched is one workflow's part of a round.
type touched struct {
	state    *decider.State
	snapAt   int64 // LastEventID of the stored snapshot
	deadline int64 // Deadline before the round, i.e. the stored timer row
	events   []events.Event
	removed  bool
}

// roundBuilder collects one round's decisions into one batch.
type roundBuilder struct {
	sh      *shard
	batch   *persistence.Batch
	wfs     map[string]*touched
	order   []string
	outbox  map[string]*api.Dispatch // task id -> row to put, nil = delete
	obOrder []string
	// withdraw are queued tasks that ended before any worker polled them.
	withdraw []api.Dispatch
	defs     []string

	// release are polled tasks no longer IN_PROGRESS.
	release []api.Dispatch
	// dropped are task rows a restart or rerun dropped this round
	// (reindex.go).
	dropped map[string]*decider.Task
}

// round decides every request, commits the result in one batch, then
// replies and dispatches. Nothing is replied or dispatched before the
// commit returns.
func (sh *shard) round(ctx context.Context, reqs []*request, now int64) {
	rb := &roundBuilder{
		sh:     sh,
		batch:  &persistence.Batch{Shard: sh.id},
		wfs:    make(map[string]*touched, len(reqs)),
		outbox: make(map[string]*api.Dispatch),
	}
	replies := make([]reply, len(reqs))
	for i, r := range reqs {
		replies[i] = rb.apply(ctx, r, now)
	}
	err := rb.finish()
	if err == nil && rb.hasWrites() {
		err = sh.svc.opts.Exec.Commit(ctx, rb.batch)
	}
	if err != nil {
		sh.svc.opts.Logger.Error("history: round not committed", "shard", sh.id, "err", err)
		rb.discard()
		for i := range replies {
			replies[i] = reply{err: fmt.Errorf("history: commit failed: %w", err)}
		}
	} else {
		rb.publish()
	}
	for i, r := range reqs {
		if r.done != nil {
			r.done <- replies[i]
		}
	}
	if err != nil {
		return
	}
	sh.watch.notify(rb.order)
	sh.svc.notes.push(rb.notes()) // children.go; never blocks
	if msgs := rb.batch.PutMessages; len(msgs) > 0 {
		sh.svc.opts.Events.Publish(msgs, sh.handled)
	}
	var ds []api.Dispatch
	for _, id := range rb.obOrder {
		if d := rb.outbox[id]; d != nil {
			ds = append(ds, *d)
		}
	}
	if len(rb.withdraw) > 0 {
		sh.svc.opts.Matching.Withdraw(ctx, rb.withdraw)
	}
	if len(rb.release) > 0 {
		sh.svc.opts.Matching.Release(ctx, rb.release)
	}
	if len(ds) > 0 {
		sh.svc.opts.Matching.Dispatch(ctx, ds)
	}
}

// apply decides one request against the round's view of its workflow.
func (rb *roundBuilder) apply(ctx context.Context, r *request, now int64) reply {
	if r.handled != "" {
		rb.batch.DelMessages = append(rb.batch.DelMessages, r.handled)
		return reply{}
	}
	if r.logs != nil && r.in == (decider.Input{}) {
		rb.batch.TaskLogs = append(rb.batch.TaskLogs, r.logs...)
		return reply{}
	}
	t, err := rb.load(ctx, r)
	if err != nil {
		if r.in.Tick && errors.Is(err, persistence.ErrNotFound) {
			return reply{} // removed since the timer was set
		}
		return reply{err: apiError(err)}
	}
	if t.removed {
		return reply{err: apiError(persistence.ErrNotFound)}
	}
	if r.remove || r.in.Tick && rb.sh.svc.expired(t.state, now) {
		rb.remove(t)
		return reply{}
	}
	if r.in.Tick {
		rb.reconcile(ctx, t, now) // children.go
	}
	prior := priorOf(t.state, r.in) // reindex.go
	res, err := rb.sh.svc.decider.Decide(t.state, r.in, now)
	if err != nil {
		return reply{err: apiError(err)}
	}
	rb.reindex(prior, t.state)
	if r.start != nil && !rb.sh.knownDefs[r.start.hash] {
		rb.batch.Defs = append(rb.batch.Defs, persistence.DefWrite{Hash: r.start.hash, Data: r.start.data})
		rb.defs = append(rb.defs, r.start.hash)
	}
	rb.batch.TaskLogs = append(rb.batch.TaskLogs, r.logs...)
	rb.absorb(t, res)
	return reply{res: res}
}

// absorb adds one Decide's events and effects to the round.
func (rb *roundBuilder) absorb(t *touched, res decider.Result) {
	t.events = append(t.events, res.Events...)
	rb.index(t.state, res.Events)
	for _, id := range res.Undispatch {
		rb.setOutbox(id, nil)
	}
	rb.withdraw = append(rb.withdraw, res.Withdraw...)
	rb.release = append(rb.release, res.Release...)
	for i := range res.Dispatch {
		rb.setOutbox(res.Dispatch[i].TaskID, &res.Dispatch[i])
	}
}

// load returns the round's state of r's workflow, reading it on first use.
func (rb *roundBuilder) load(ctx context.Context, r *request) (*touched, error) {
	if t, ok := rb.wfs[r.workflowID]; ok {
		return t, nil
	}
	t := &touched{}
	if r.in.Start != nil && r.in.Start.IdempotencyKey == "" {
		t.state = &decider.State{} // a fresh random id has no history
	} else if c := rb.sh.cache.get(r.workflowID); c != nil {
		t.state, t.snapAt = c.state, c.snapAt
	} else {
		var err error
		t.state, t.snapAt, err = rb.sh.svc.loadState(ctx, r.workflowID)
		if r.in.Start != nil && errors.Is(err, persistence.ErrNotFound) {
			t.state, err = &decider.State{}, nil
		}
		if err != nil {
			return nil, err
		}
	}
	t.deadline = rb.sh.svc.wakeAt(t.state)
	rb.wfs[r.workflowID] = t
	rb.order = append(rb.order, r.workflowID)
	return t, nil
}

// setOutbox records the final wish for a task's dispatch row this round:
// a later put or delete of the same task wins.
func (rb *roundBuilder) setOutbox(taskID string, d *api.Dispatch) {
	if _, ok := rb.outbox[taskID]; !ok {
		rb.obOrder = append(rb.obOrder, taskID)
	}
	rb.outbox[taskID] = d
}

// index adds the index rows the new events imply.
func (rb *roundBuilder) index(s *decider.State, evs []events.Event) {
	b := rb.batch
	for i := range evs {
		e := &evs[i]
		switch e.Type {
		case events.WorkflowStarted:
			if s.CorrelationID != "" {
				b.PutCorrelation = append(b.PutCorrelation, persistence.WorkflowIndex{Name: s.Name, Version: s.Version, Key: s.CorrelationID, WorkflowID: s.WorkflowID})
			}
			b.PutRunning = append(b.PutRunning, persistence.WorkflowIndex{Name: s.Name, Version: s.Version, WorkflowID: s.WorkflowID})
		case events.TaskScheduled:
			b.PutTaskIndex = append(b.PutTaskIndex, persistence.TaskIndex{TaskID: e.TaskScheduled.TaskID, WorkflowID: s.WorkflowID})
		case events.TasksRemoved:
			// Rows keepLastN folded away: nothing points at them any more.
			b.DelTaskIndex = append(b.DelTaskIndex, e.TasksRemoved.TaskIDs...)
			b.DelTaskLogs = append(b.DelTaskLogs, e.TasksRemoved.TaskIDs...)
		case events.WorkflowEnded:
			b.DelRunning = append(b.DelRunning, persistence.WorkflowIndex{Name: s.Name, Version: s.Version, WorkflowID: s.WorkflowID})
		case events.WorkflowRetried, events.WorkflowRestarted, events.WorkflowRerun:
			rb.running(s)
		}
	}
}

// remove deletes a workflow and every row that points at it.
func (rb *roundBuilder) remove(t *touched) {
	s, b := t.state, rb.batch
	t.removed = true
	b.Workflows = append(b.Workflows, persistence.WorkflowWrite{WorkflowID: s.WorkflowID, Delete: true})
	for _, task := range s.Tasks {
		b.DelTaskIndex = append(b.DelTaskIndex, task.ID)
		b.DelTaskLogs = append(b.DelTaskLogs, task.ID)
		rb.setOutbox(task.ID, nil)
		d := api.Dispatch{TaskID: task.ID, WorkflowID: s.WorkflowID, TaskType: task.Type, Domain: task.Domain}
		switch task.Status {
		case api.TaskScheduled:
			rb.withdraw = append(rb.withdraw, d)
		case api.TaskInProgress:
			rb.release = append(rb.release, d) // matching ignores tasks it never handed out
		}
	}
	if s.CorrelationID != "" {
		b.DelCorrelation = append(b.DelCorrelation, persistence.WorkflowIndex{Name: s.Name, Version: s.Version, Key: s.CorrelationID, WorkflowID: s.WorkflowID})
	}
	b.DelRunning = append(b.DelRunning, persistence.WorkflowIndex{Name: s.Name, Version: s.Version, WorkflowID: s.WorkflowID})
}

// finish writes snapshots, timer rows, outbox rows and published
// messages into the batch.
func (rb *roundBuilder) finish() error {
	b := rb.batch
	if rb.sh.svc.opts.Events != nil {
		b.PutMessages = rb.published()
	}
	for _, id := range rb.order {
		t := rb.wfs[id]
		next := rb.sh.svc.wakeAt(t.state)
		if t.removed {
			next = 0
		} else if len(t.events) > 0 {
			w := persistence.WorkflowWrite{WorkflowID: id, Events: t.events}
			if needsSnapshot(t.state, t.snapAt) {
				snap, err := decider.Encode(t.state)
				if err != nil {
					return err
				}
				w.Snapshot = snap
				t.snapAt = t.state.LastEventID
			}
			b.Workflows = append(b.Workflows, w)
		}
		if next != t.deadline {
			if t.deadline != 0 {
				b.DelTimers = append(b.DelTimers, persistence.Timer{At: t.deadline, WorkflowID: id})
			}
			if next != 0 {
				b.PutTimers = append(b.PutTimers, persistence.Timer{At: next, WorkflowID: id})
			}
		}
	}
	for _, id := range rb.obOrder {
		if d := rb.outbox[id]; d != nil {
			b.PutDispatches = append(b.PutDispatches, *d)
		} else {
			b.DelDispatches = append(b.DelDispatches, id)
		}
	}
	return nil
}

func (rb *roundBuilder) hasWrites() bool {
	b := rb.batch
	return len(b.Workflows) > 0 || len(b.TaskLogs) > 0 || len(b.PutDispatches) > 0 || len(b.DelDispatches) > 0 ||
		len(b.PutTimers) > 0 || len(b.DelTimers) > 0 || len(b.DelMessages) > 0
}

// discard forgets a round that did not commit: the states it changed are
// dropped from the cache and the timers it popped are re-armed.
func (rb *roundBuilder) discard() {
	for _, id := range rb.order {
		rb.sh.cache.evict(id)
		rb.sh.timers.set(id, rb.wfs[id].deadline)
	}
}

// publish updates the shard's memory after a successful commit.
func (rb *roundBuilder) publish() {
	sh := rb.sh
	for _, h := range rb.defs {
		sh.knownDefs[h] = true
	}
	for _, id := range rb.order {
		t := rb.wfs[id]
		if t.removed {
			sh.cache.evict(id)
			sh.timers.set(id, 0)
			continue
		}
		if t.state.LastEventID > 0 {
			sh.cache.put(&cached{state: t.state, snapAt: t.snapAt})
		}
		sh.timers.set(id, sh.svc.wakeAt(t.state))
	}
}

// published lists the messages the round's EVENT tasks published to
// conductor queues: stored with the round, handed to the EventSink after
// it commits, deleted once handled.
func (rb *roundBuilder) published() []api.EventMessage {
	var out []api.EventMessage
	for _, id := range rb.order {
		t := rb.wfs[id]
		if t.removed {
			continue
		}
		for i := range t.events {
			e := &t.events[i]
			if e.Type != events.TaskUpdated {
				continue
			}
			if m, ok := decider.Published(t.state.Task(e.TaskUpdated.TaskID), e.TaskUpdated); ok {
				out = append(out, m)
			}
		}
	}
	return out
}
