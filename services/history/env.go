package history

import (
	"context"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/persistence"
)

// roundEnv is everything a round does beyond the shard's own memory, as
// pebble's commitEnv is for its commit pipeline: deciding, committing, and
// sending what a committed round asks for. newShard wires the real ones;
// tests replace them to fail a commit or watch what is sent.
type roundEnv struct {
	// decide runs the decider with the facts current for the round.
	decide func(s *decider.State, in decider.Input, now int64) (decider.Result, error)
	// commit writes a round's batch atomically and durably.
	commit func(ctx context.Context, b *persistence.Batch) error
	// afterCommit sends what a committed round asks for. It is never
	// called for a round whose commit failed.
	afterCommit func(ctx context.Context, s *sends)
}

// sends is what a committed round sends, in the order afterCommit sends it.
type sends struct {
	// workflows wake readers waiting for their next commit.
	workflows []string
	// notes go to other workflows through the note runner (children.go).
	notes []note
	// messages go to the event handlers (EventSink).
	messages []api.EventMessage
	// withdraw, release and dispatch go to matching.
	withdraw, release, dispatch []api.Dispatch
	// visibility wakes the indexer: the round wrote visibility rows.
	visibility bool
}

// realEnv is the roundEnv of a running service.
func (sh *shard) realEnv() roundEnv {
	svc := sh.svc
	return roundEnv{
		decide: func(s *decider.State, in decider.Input, now int64) (decider.Result, error) {
			d := svc.decider
			d.Facts = svc.facts.current()
			return d.Decide(s, in, now)
		},
		commit: svc.opts.Exec.Commit,
		afterCommit: func(ctx context.Context, s *sends) {
			sh.watch.notify(s.workflows)
			svc.notes.push(s.notes) // never blocks
			if len(s.messages) > 0 {
				svc.opts.Events.Publish(s.messages, sh.handled)
			}
			if s.visibility {
				svc.opts.Visibility.Written(sh.id)
			}
			m := svc.opts.Matching
			if len(s.withdraw) > 0 {
				m.Withdraw(ctx, s.withdraw)
			}
			if len(s.release) > 0 {
				m.Release(ctx, s.release)
			}
			if len(s.dispatch) > 0 {
				m.Dispatch(ctx, s.dispatch)
			}
		},
	}
}
