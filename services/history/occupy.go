package history

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/decider"
	"github.com/legatohq/legato/pkg/persistence"
)

// occupy hands matching the tasks a previous process handed out that are
// still IN_PROGRESS, so they count against their type's
// concurrentExecLimit until their Release (Start calls it before the
// shards run and before any dispatch is offered again).
//
// Every IN_PROGRESS worker task has a response deadline (a TaskDef's
// responseTimeoutSeconds is at least 1), so its running workflow has a
// timer row: the workflows of the timer rows are the ones to read. A
// PAUSED workflow has no deadline, hence no timer row: those of
// registered definitions are found in the running index instead (one of
// an inline definition that is paused across a restart is missed).
// Reading every such workflow costs one state load each, so it is done
// only when some registered TaskDef sets a concurrentExecLimit, and only
// tasks of those types are handed over.
func (s *Service) occupy(ctx context.Context, timers [][]persistence.Timer) error {
	tds, err := s.opts.Meta.TaskDefs(ctx)
	if err != nil {
		return err
	}
	limited := make(map[string]bool)
	for _, td := range tds {
		if td.ConcurrentExecLimit != nil && *td.ConcurrentExecLimit > 0 {
			limited[td.Name] = true
		}
	}
	if len(limited) == 0 {
		return nil
	}
	ids := make(chan string)
	var (
		mu  sync.Mutex
		out []api.Dispatch
		wg  sync.WaitGroup
	)
	for range max(1, min(runtime.GOMAXPROCS(0), 8)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range ids {
				st, err := s.loadState(ctx, id)
				if err != nil {
					if !errors.Is(err, persistence.ErrNotFound) {
						s.opts.Logger.Warn("history: workflow not read at start; its IN_PROGRESS tasks do not count against concurrentExecLimit",
							"workflow_id", id, "err", err)
					}
					continue
				}
				var ds []api.Dispatch
				for _, d := range decider.Polled(st) {
					if limited[d.TaskType] && d.Domain != api.SystemDomain {
						ds = append(ds, d)
					}
				}
				if len(ds) > 0 {
					mu.Lock()
					out = append(out, ds...)
					mu.Unlock()
				}
			}
		}()
	}
	seen := make(map[string]bool)
	read := func(id string) {
		if !seen[id] {
			seen[id] = true
			ids <- id
		}
	}
	for _, ts := range timers {
		for _, t := range ts {
			read(t.WorkflowID)
		}
	}
	s.readRunning(ctx, read)
	close(ids)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	// Matching takes runs of one type at a time.
	slices.SortFunc(out, func(a, b api.Dispatch) int { return strings.Compare(a.TaskType, b.TaskType) })
	if len(out) > 0 {
		s.opts.Matching.Occupy(ctx, out)
	}
	return nil
}

// readRunning calls read with every non-terminal workflow of a registered
// definition (the running index), which includes the PAUSED ones.
func (s *Service) readRunning(ctx context.Context, read func(id string)) {
	defs, err := s.opts.Meta.WorkflowDefs(ctx)
	if err != nil {
		s.opts.Logger.Warn("history: workflow definitions not read at start; paused workflows' tasks do not count against concurrentExecLimit", "err", err)
		return
	}
	for _, def := range defs {
		running, err := s.opts.Exec.Running(ctx, def.Name, def.Version)
		if err != nil {
			s.opts.Logger.Warn("history: running workflows not read at start", "workflow", def.Name, "version", def.Version, "err", err)
			continue
		}
		for _, id := range running {
			read(id)
		}
	}
}
