package history

import (
	"context"
	"time"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/decider"
)

// request is one input for a shard. done is buffered so the shard never
// blocks on a caller that gave up.
type request struct {
	workflowID string
	in         decider.Input
	// start carries the resolved definition of a new execution, or of a
	// restart onto the latest definition; round stores it if it is new.
	start *resolved
	// logs are task log lines to store with the round.
	logs []api.TaskExecLog
	// handled names a published message whose row to delete instead.
	handled string
	// read renders the workflow's committed state instead, on the shard
	// goroutine once the round has committed, when the shard's cache
	// holds it; otherwise the reply is errNotCached (api.go read).
	read func(*decider.State)
	done chan reply
}

type reply struct {
	res decider.Reply
	err error
}

// shard owns the workflows whose id hashes to it: the single goroutine in
// run is the only code that decides or writes for them.
type shard struct {
	id      int
	svc     *Service
	mailbox chan *request
	cache   *stateCache
	timers  *timerHeap
	// knownDefs are definition snapshots this shard has committed already.
	knownDefs map[string]bool
	// exited is closed when run returns.
	exited chan struct{}
	// watch wakes readers waiting for a workflow's next commit.
	watch watchers
	// env decides, commits and sends for the rounds (env.go).
	env roundEnv
}

func newShard(id int, svc *Service) *shard {
	sh := &shard{
		id: id, svc: svc,
		mailbox:   make(chan *request, svc.opts.MailboxSize),
		cache:     newStateCache(svc.opts.CacheSize),
		timers:    newTimerHeap(),
		knownDefs: make(map[string]bool),
		exited:    make(chan struct{}),
	}
	sh.env = sh.realEnv()
	return sh
}

// run drains the mailbox and the due timers round by round until stop.
func (sh *shard) run(stop <-chan struct{}) {
	defer close(sh.exited)
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	reqs := make([]*request, 0, sh.svc.opts.MaxRound)
	for {
		sh.arm(timer)
		reqs = reqs[:0]
		select {
		case <-stop:
			sh.drainClosed()
			return
		case r := <-sh.mailbox:
			reqs = append(reqs, r)
		case <-timer.C:
		}
	fill:
		for len(reqs) < cap(reqs) {
			select {
			case r := <-sh.mailbox:
				reqs = append(reqs, r)
			default:
				break fill
			}
		}
		now := sh.svc.now()
		for _, id := range sh.timers.popDue(now, cap(reqs)) {
			reqs = append(reqs, &request{workflowID: id, in: decider.Input{Tick: true}})
		}
		if len(reqs) > 0 {
			sh.round(context.Background(), reqs, now)
		}
	}
}

// arm points timer at the earliest wake-up.
func (sh *shard) arm(timer *time.Timer) {
	d := time.Hour
	if at := sh.timers.next(); at != 0 {
		d = time.Duration(at-sh.svc.now()) * time.Millisecond
		if d < 0 {
			d = 0
		}
	}
	timer.Reset(d)
}

func (sh *shard) drainClosed() {
	for {
		select {
		case r := <-sh.mailbox:
			r.done <- reply{err: ErrClosed}
		default:
			return
		}
	}
}

// handled deletes the row of a published message the event handlers have
// handled, in a coming round, without waiting for it (EventSink). A
// deletion lost to a closing service or a failed commit means only that
// the message is handled again after the next start.
func (sh *shard) handled(id string) {
	sh.enqueue(context.Background(), &request{handled: id, done: make(chan reply, 1)})
}

// submit queues r for the shard and waits for its reply.
func (sh *shard) submit(ctx context.Context, r *request) (decider.Reply, error) {
	r.done = make(chan reply, 1)
	if err := sh.enqueue(ctx, r); err != nil {
		return decider.Reply{}, err
	}
	select {
	case rep := <-r.done:
		return rep.res, rep.err
	case <-ctx.Done():
		return decider.Reply{}, ctx.Err()
	case <-sh.exited:
		select {
		case rep := <-r.done:
			return rep.res, rep.err
		default:
			return decider.Reply{}, ErrClosed
		}
	}
}

func (sh *shard) enqueue(ctx context.Context, r *request) error {
	select {
	case <-sh.svc.stop:
		return ErrClosed
	default:
	}
	// The round reads the facts without I/O: bring them up to date here,
	// on the caller's goroutine (facts.go).
	if err := sh.svc.facts.refresh(ctx); err != nil {
		sh.svc.opts.Logger.Warn("history: reloading task definitions failed", "err", err)
	}
	select {
	case sh.mailbox <- r:
		return nil
	case <-sh.svc.stop:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}
