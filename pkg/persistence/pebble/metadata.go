package pebble

import (
	"context"
	"fmt"

	pdb "github.com/cockroachdb/pebble"
	json "github.com/goccy/go-json"
	"github.com/legatohq/legato/pkg/persistence"
	"github.com/legatohq/legato/pkg/workflow"
)

// Metadata writes are always synced, whatever Options.NoSync says, and
// run under metaMu so that a check (exists? absent?) and the write that
// depends on it are atomic with respect to other metadata writes.

// PutTaskDefs creates or replaces task definitions, all in one batch.
func (s *Store) PutTaskDefs(ctx context.Context, defs []*workflow.TaskDef) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("persistence/pebble: put task defs: %w", err)
	}
	wb := s.db.NewBatch()
	defer wb.Close()
	for i, d := range defs {
		if d == nil {
			return fmt.Errorf("persistence/pebble: put task defs: defs[%d] is nil", i)
		}
		v, err := json.Marshal(d)
		if err != nil {
			return fmt.Errorf("persistence/pebble: encode task def %s: %w", d.Name, err)
		}
		if err := wb.Set(taskDefKey(nil, d.Name), v, nil); err != nil {
			return fmt.Errorf("persistence/pebble: put task def %s: %w", d.Name, err)
		}
	}
	s.metaMu.Lock()
	defer s.metaMu.Unlock()
	return s.commitMeta(wb, "put task defs")
}

// TaskDef returns a task definition by name.
func (s *Store) TaskDef(ctx context.Context, name string) (*workflow.TaskDef, error) {
	v, err := s.get(ctx, taskDefKey(nil, name), "task def "+name)
	if err != nil {
		return nil, err
	}
	return decode[workflow.TaskDef](v, "task def "+name)
}

// TaskDefs returns every task definition, by name.
func (s *Store) TaskDefs(ctx context.Context) ([]*workflow.TaskDef, error) {
	return scanAll[workflow.TaskDef](ctx, s, []byte(prefixTaskDef), "task defs")
}

// DeleteTaskDef removes a task definition; ErrNotFound if absent.
func (s *Store) DeleteTaskDef(ctx context.Context, name string) error {
	key := taskDefKey(nil, name)
	s.metaMu.Lock()
	defer s.metaMu.Unlock()
	if _, err := s.get(ctx, key, "task def "+name); err != nil {
		return err
	}
	return s.deleteMeta(key, "delete task def "+name)
}

// CreateWorkflowDef stores a new name+version; ErrConflict if present.
func (s *Store) CreateWorkflowDef(ctx context.Context, def *workflow.WorkflowDef) error {
	return s.putWorkflowDef(ctx, def, true)
}

// PutWorkflowDef creates or replaces a name+version.
func (s *Store) PutWorkflowDef(ctx context.Context, def *workflow.WorkflowDef) error {
	return s.putWorkflowDef(ctx, def, false)
}

func (s *Store) putWorkflowDef(ctx context.Context, def *workflow.WorkflowDef, create bool) error {
	if def == nil {
		return fmt.Errorf("persistence/pebble: put workflow def: def is nil")
	}
	what := fmt.Sprintf("workflow def %s v%d", def.Name, def.Version)
	key, err := workflowDefKeyChecked(def.Name, def.Version)
	if err != nil {
		return err
	}
	v, err := json.Marshal(def)
	if err != nil {
		return fmt.Errorf("persistence/pebble: encode %s: %w", what, err)
	}
	wb := s.db.NewBatch()
	defer wb.Close()
	if err := wb.Set(key, v, nil); err != nil {
		return fmt.Errorf("persistence/pebble: put %s: %w", what, err)
	}

	s.metaMu.Lock()
	defer s.metaMu.Unlock()
	if create {
		_, err := s.get(ctx, key, what)
		if err == nil {
			return fmt.Errorf("persistence/pebble: create %s: %w", what, persistence.ErrConflict)
		}
		if !isNotFound(err) {
			return err
		}
	} else if err := ctx.Err(); err != nil {
		return fmt.Errorf("persistence/pebble: put %s: %w", what, err)
	}
	return s.commitMeta(wb, "put "+what)
}

// WorkflowDef returns a version, or the highest version when version is 0.
func (s *Store) WorkflowDef(ctx context.Context, name string, version int) (*workflow.WorkflowDef, error) {
	var (
		v   []byte
		err error
	)
	if version == 0 {
		what := "latest workflow def " + name
		if err := checkField("workflow name", name); err != nil {
			return nil, err
		}
		v, err = s.last(ctx, workflowDefPrefix(nil, name), what)
	} else {
		key, kerr := workflowDefKeyChecked(name, version)
		if kerr != nil {
			return nil, kerr
		}
		v, err = s.get(ctx, key, fmt.Sprintf("workflow def %s v%d", name, version))
	}
	if err != nil {
		return nil, err
	}
	return decode[workflow.WorkflowDef](v, "workflow def "+name)
}

// WorkflowDefs returns every version of every workflow definition, by name
// then version.
func (s *Store) WorkflowDefs(ctx context.Context) ([]*workflow.WorkflowDef, error) {
	return scanAll[workflow.WorkflowDef](ctx, s, []byte(prefixWorkflowDef), "workflow defs")
}

// DeleteWorkflowDef removes one name+version; ErrNotFound if absent.
func (s *Store) DeleteWorkflowDef(ctx context.Context, name string, version int) error {
	what := fmt.Sprintf("workflow def %s v%d", name, version)
	key, err := workflowDefKeyChecked(name, version)
	if err != nil {
		return err
	}
	s.metaMu.Lock()
	defer s.metaMu.Unlock()
	if _, err := s.get(ctx, key, what); err != nil {
		return err
	}
	return s.deleteMeta(key, "delete "+what)
}

func workflowDefKeyChecked(name string, version int) ([]byte, error) {
	if err := checkField("workflow name", name); err != nil {
		return nil, err
	}
	if err := checkVersion(version); err != nil {
		return nil, err
	}
	return workflowDefKey(nil, name, version), nil
}

// commitMeta commits a metadata batch, always synced. Callers hold metaMu.
func (s *Store) commitMeta(wb *pdb.Batch, what string) error {
	if err := wb.Commit(pdb.Sync); err != nil {
		return fmt.Errorf("persistence/pebble: %s: %w", what, err)
	}
	s.metaWritten()
	return nil
}

// deleteMeta deletes one metadata key, synced. Callers hold metaMu.
func (s *Store) deleteMeta(key []byte, what string) error {
	if err := s.db.Delete(key, pdb.Sync); err != nil {
		return fmt.Errorf("persistence/pebble: %s: %w", what, err)
	}
	s.metaWritten()
	return nil
}

// metaWritten marks a metadata write, after it: Generation moves on and
// whoever waits on Changed wakes up.
func (s *Store) metaWritten() {
	s.metaGen.Add(1)
	s.changedMu.Lock()
	if s.changed != nil {
		close(s.changed)
		s.changed = nil
	}
	s.changedMu.Unlock()
}

// Changed returns a channel closed at the next metadata write, so that a
// cache of definitions can wait for a change instead of polling: take the
// channel, then read, then wait on it.
func (s *Store) Changed() <-chan struct{} {
	s.changedMu.Lock()
	defer s.changedMu.Unlock()
	if s.changed == nil {
		s.changed = make(chan struct{})
	}
	return s.changed
}

// Generation changes after every metadata write, so callers may cache what
// they derive from definitions: read Generation first, then the
// definitions, and trust the result while Generation is unchanged.
func (s *Store) Generation() uint64 { return s.metaGen.Load() }

func decode[T any](v []byte, what string) (*T, error) {
	out := new(T)
	if err := json.Unmarshal(v, out); err != nil {
		return nil, fmt.Errorf("persistence/pebble: decode %s: %w", what, err)
	}
	return out, nil
}

func scanAll[T any](ctx context.Context, s *Store, prefix []byte, what string) ([]*T, error) {
	var out []*T
	err := s.scan(ctx, prefix, what, func(_, val []byte) error {
		d := new(T)
		if err := json.Unmarshal(val, d); err != nil {
			return err
		}
		out = append(out, d)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
