package history

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/persistence"
	"github.com/legatohq/legato/pkg/visibility"
)

// touched is one workflow's part of a round.
type touched struct {
	state *decider.State
	// stored is the timer row before the round; timer the one after the
	// round's last Result.
	stored, timer int64
	events        []events.Event
	snapshot      bool
	removed       bool
	messages      []api.EventMessage
	notes         []note
	vis           decider.Visibility
}

// roundBuilder collects one round's Results into one batch, and what to
// send once it is committed.
type roundBuilder struct {
	sh    *shard
	batch *persistence.Batch
	wfs   map[string]*touched
	order []string
	// outbox is the final wish for each task's dispatch row this round:
	// a row to put, nil to delete.
	outbox  map[string]*api.Dispatch
	obOrder []string
	defs    []string
	// withdraw and release are sent to matching after the commit.
	withdraw, release []api.Dispatch
}

// round decides every request, commits the result in one batch, then
// replies and sends. Nothing is replied or sent before the commit
// returns; after a failed commit nothing is sent at all.
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
		err = sh.env.commit(ctx, rb.batch)
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
		if r.read != nil {
			replies[i] = rb.read(r, err == nil)
		}
	}
	for i, r := range reqs {
		if r.done != nil {
			r.done <- replies[i]
		}
	}
	if err == nil {
		sh.env.afterCommit(ctx, rb.sends())
	}
}

// apply decides one request against the round's view of its workflow.
func (rb *roundBuilder) apply(ctx context.Context, r *request, now int64) reply {
	if r.read != nil {
		return reply{} // after the commit (read)
	}
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
	if r.in.Tick {
		rb.reconcile(ctx, t, now) // children.go
	}
	res, err := rb.sh.env.decide(t.state, r.in, now)
	if err != nil {
		return reply{err: apiError(err)}
	}
	if r.start != nil && !rb.sh.knownDefs[r.start.hash] {
		rb.batch.Defs = append(rb.batch.Defs, persistence.DefWrite{Hash: r.start.hash, Data: r.start.data})
		rb.defs = append(rb.defs, r.start.hash)
	}
	rb.batch.TaskLogs = append(rb.batch.TaskLogs, r.logs...)
	rb.absorb(t, &res)
	return reply{res: res.Reply}
}

// absorb applies one Result to the round, field by field as
// decider.Result documents them. Result.Visibility is not written yet:
// the visibility outbox comes with the read side.
func (rb *roundBuilder) absorb(t *touched, res *decider.Result) {
	s, b := t.state, rb.batch
	t.events = append(t.events, res.Events...)
	t.snapshot = t.snapshot || res.Snapshot
	t.timer = res.Timer
	t.removed = t.removed || res.Delete
	t.messages = append(t.messages, res.Messages...)
	t.vis.Merge(res.Visibility)
	for _, id := range res.Undispatch {
		rb.setOutbox(id, nil)
	}
	for i := range res.Dispatch {
		rb.setOutbox(res.Dispatch[i].TaskID, &res.Dispatch[i])
	}

	ix := &res.Index
	for _, c := range ix.PutCorrelation {
		e := persistence.WorkflowIndex{Name: c.Name, Version: c.Version, Key: c.CorrelationID, WorkflowID: s.WorkflowID}
		b.DelCorrelation = dropEqual(b.DelCorrelation, e) // deletions apply after puts
		b.PutCorrelation = append(b.PutCorrelation, e)
	}
	for _, c := range ix.DelCorrelation {
		b.DelCorrelation = append(b.DelCorrelation, persistence.WorkflowIndex{Name: c.Name, Version: c.Version, Key: c.CorrelationID, WorkflowID: s.WorkflowID})
	}
	running := persistence.WorkflowIndex{Name: s.Name, Version: s.Version, WorkflowID: s.WorkflowID}
	if ix.Running {
		b.DelRunning = dropEqual(b.DelRunning, running)
		b.PutRunning = append(b.PutRunning, running)
	}
	if ix.NotRunning {
		b.DelRunning = append(b.DelRunning, running)
	}
	for _, id := range ix.PutTasks {
		b.PutTaskIndex = append(b.PutTaskIndex, persistence.TaskIndex{TaskID: id, WorkflowID: s.WorkflowID})
	}
	b.DelTaskIndex = append(b.DelTaskIndex, ix.DropTasks...)
	b.DelTaskLogs = append(b.DelTaskLogs, ix.DropTasks...)

	rb.withdraw = append(rb.withdraw, res.Withdraw...)
	rb.release = append(rb.release, res.Release...)
	t.notes = appendNotes(t.notes, s.WorkflowID, &res.Notes) // children.go
}

// dropEqual removes the entries equal to e.
func dropEqual(s []persistence.WorkflowIndex, e persistence.WorkflowIndex) []persistence.WorkflowIndex {
	return slices.DeleteFunc(s, func(d persistence.WorkflowIndex) bool { return d == e })
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
		t.state = c
	} else {
		var err error
		t.state, err = rb.sh.svc.loadState(ctx, r.workflowID)
		if r.in.Start != nil && errors.Is(err, persistence.ErrNotFound) {
			t.state, err = &decider.State{}, nil
		}
		if err != nil {
			return nil, err
		}
	}
	t.stored = rb.sh.svc.decider.WakeAt(t.state)
	t.timer = t.stored
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

// finish writes each workflow's events, snapshot, timer row and published
// messages, and the outbox rows, into the batch.
func (rb *roundBuilder) finish() error {
	b := rb.batch
	for _, id := range rb.order {
		t := rb.wfs[id]
		if t.removed {
			b.Workflows = append(b.Workflows, persistence.WorkflowWrite{WorkflowID: id, Delete: true})
			t.timer = 0
		} else if len(t.events) > 0 {
			w := persistence.WorkflowWrite{WorkflowID: id, Events: t.events}
			if t.snapshot {
				snap, err := decider.Encode(t.state)
				if err != nil {
					return err
				}
				w.Snapshot = snap
			}
			b.Workflows = append(b.Workflows, w)
		}
		if t.timer != t.stored {
			if t.stored != 0 {
				b.DelTimers = append(b.DelTimers, persistence.Timer{At: t.stored, WorkflowID: id})
			}
			if t.timer != 0 {
				b.PutTimers = append(b.PutTimers, persistence.Timer{At: t.timer, WorkflowID: id})
			}
		}
		if !t.removed && rb.sh.svc.opts.Events != nil {
			b.PutMessages = append(b.PutMessages, t.messages...)
		}
		if rb.sh.svc.opts.Visibility != nil {
			if err := rb.visibility(t); err != nil {
				return err
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

// visibility writes the summaries the round changed for t's workflow, built
// once from the state the round commits, to the visibility outbox.
func (rb *roundBuilder) visibility(t *touched) error {
	s := t.state
	rec := &visibility.Record{}
	version := s.LastEventID
	switch {
	case t.removed:
		rec.Removed, version = s.WorkflowID, s.LastEventID+1 // after every summary
	case t.vis.Workflow || len(t.vis.Tasks) > 0:
		rec.Workflow, rec.Tasks = decider.Summaries(s, t.vis, rb.sh.id)
	default:
		return nil
	}
	data, err := rec.Encode()
	if err != nil {
		return err
	}
	rb.batch.PutVisibility = append(rb.batch.PutVisibility, persistence.VisibilityRow{WorkflowID: s.WorkflowID, Version: version, Data: data})
	return nil
}

func (rb *roundBuilder) hasWrites() bool {
	b := rb.batch
	return len(b.Workflows) > 0 || len(b.TaskLogs) > 0 || len(b.PutDispatches) > 0 || len(b.DelDispatches) > 0 ||
		len(b.PutTimers) > 0 || len(b.DelTimers) > 0 || len(b.DelMessages) > 0 || len(b.PutVisibility) > 0
}

// discard forgets a round that did not commit: the states it changed are
// dropped from the cache and the timers it popped are re-armed.
func (rb *roundBuilder) discard() {
	for _, id := range rb.order {
		rb.sh.cache.evict(id)
		rb.sh.timers.set(id, rb.wfs[id].stored)
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
		if t.snapshot {
			t.state.SnapshotAt = t.state.LastEventID
		}
		if t.state.LastEventID > 0 {
			sh.cache.put(t.state)
		}
		sh.timers.set(id, t.timer)
	}
}

// read serves a read request after the round: from the cache, which holds
// only committed states, unless the commit failed.
func (rb *roundBuilder) read(r *request, committed bool) reply {
	if !committed {
		return reply{err: errNotCached}
	}
	st := rb.sh.cache.get(r.workflowID)
	if st == nil {
		return reply{err: errNotCached}
	}
	r.read(st)
	return reply{}
}

// sends lists what the committed round sends: to readers waiting for its
// workflows, to other workflows (notes), to the event handlers and to
// matching.
func (rb *roundBuilder) sends() *sends {
	out := &sends{workflows: rb.order, withdraw: rb.withdraw, release: rb.release, messages: rb.batch.PutMessages,
		visibility: len(rb.batch.PutVisibility) > 0}
	for _, id := range rb.order {
		if t := rb.wfs[id]; !t.removed {
			out.notes = append(out.notes, t.notes...)
		}
	}
	for _, id := range rb.obOrder {
		if d := rb.outbox[id]; d != nil {
			out.dispatch = append(out.dispatch, *d)
		}
	}
	return out
}
