package history

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/persistence"
	"github.com/legatohq/legato/pkg/workflow"
)

// defs resolves definitions for new executions and caches immutable
// definition snapshots by content hash.
type defs struct {
	meta persistence.MetadataStore
	exec persistence.ExecutionStore
	// byHash caches decoded snapshots; a snapshot never changes.
	byHash sync.Map // hash -> *workflow.WorkflowDef
	// byName caches resolved registered definitions while the metadata
	// generation they were read at is current.
	byName sync.Map // nameVersion -> cachedDef
}

type nameVersion struct {
	name    string
	version int
}

type cachedDef struct {
	gen uint64
	r   *resolved
}

// resolved is a definition ready to run: task definitions embedded, with
// its snapshot bytes and hash.
type resolved struct {
	def  *workflow.WorkflowDef
	hash string
	data []byte
}

// resolve picks the definition a start runs with (inline, or registered by
// name and version, latest when 0) and embeds the registered TaskDef of each
// worker task that has no inline one, so later metadata edits don't change it.
func (d *defs) resolve(ctx context.Context, req *api.StartWorkflowRequest) (*resolved, error) {
	def := req.WorkflowDef
	if def == nil {
		g, ok := d.meta.(persistence.Generationer)
		if !ok {
			return d.resolveNamed(ctx, req)
		}
		// Read the generation first: a change made while we read bumps it,
		// so a stale result is never cached as current.
		gen := g.Generation()
		key := nameVersion{req.Name, req.Version}
		if v, ok := d.byName.Load(key); ok && v.(cachedDef).gen == gen {
			return v.(cachedDef).r, nil
		}
		r, err := d.resolveNamed(ctx, req)
		if err == nil {
			d.byName.Store(key, cachedDef{gen: gen, r: r})
		}
		return r, err
	}
	return d.embed(ctx, def)
}

// resolveNamed reads a registered definition and embeds its task definitions.
func (d *defs) resolveNamed(ctx context.Context, req *api.StartWorkflowRequest) (*resolved, error) {
	def, err := d.meta.WorkflowDef(ctx, req.Name, req.Version)
	if errors.Is(err, persistence.ErrNotFound) {
		if req.Version == 0 {
			return nil, api.Errorf(api.KindNotFound, "No such workflow found by name: %s", req.Name)
		}
		return nil, api.Errorf(api.KindNotFound, "No such workflow found by name: %s, version: %d", req.Name, req.Version)
	}
	if err != nil {
		return nil, err
	}
	return d.embed(ctx, def)
}

// embed fills in the registered TaskDef of each worker task that has no
// inline one, pins the version of each SUB_WORKFLOW child named without
// one to the latest (as upstream, the parent keeps running the children of
// its start), and computes the snapshot's bytes and hash.
func (d *defs) embed(ctx context.Context, def *workflow.WorkflowDef) (*resolved, error) {
	if def.Name == "" {
		return nil, api.Errorf(api.KindInvalid, "workflow definition has no name")
	}
	var err error
	workflow.Walk(def.Tasks, func(_ string, wt *workflow.WorkflowTask) {
		if err == nil && wt.Type == workflow.TaskTypeSubWorkflow {
			err = d.pinChild(ctx, wt.SubWorkflowParam)
			return
		}
		if err != nil || wt.TaskDefinition != nil || (wt.Type != "" && wt.Type != workflow.TaskTypeSimple) {
			return
		}
		td, e := d.meta.TaskDef(ctx, wt.Name)
		switch {
		case e == nil:
			wt.TaskDefinition = td
		case !errors.Is(e, persistence.ErrNotFound):
			err = e
		}
	})
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(def)
	if err != nil {
		return nil, fmt.Errorf("history: encode definition: %w", err)
	}
	sum := sha256.Sum256(data)
	r := &resolved{def: def, hash: hex.EncodeToString(sum[:16]), data: data}
	d.byHash.LoadOrStore(r.hash, def)
	return r, nil
}

// pinChild sets a SUB_WORKFLOW's child version to the latest registered
// when it names the child literally and without a version. A child not
// registered yet stays unpinned: its start says it is missing.
func (d *defs) pinChild(ctx context.Context, p *workflow.SubWorkflowParams) error {
	if p == nil || p.Version != nil || p.WorkflowDefinition != nil || p.Name == "" || strings.Contains(p.Name, "${") {
		return nil
	}
	latest, err := d.meta.WorkflowDef(ctx, p.Name, 0)
	if errors.Is(err, persistence.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	v := latest.Version
	p.Version = &v
	return nil
}

// snapshot returns the definition snapshot with that hash.
func (d *defs) snapshot(ctx context.Context, hash string) (*workflow.WorkflowDef, error) {
	if v, ok := d.byHash.Load(hash); ok {
		return v.(*workflow.WorkflowDef), nil
	}
	data, err := d.exec.Def(ctx, hash)
	if err != nil {
		return nil, err
	}
	def := &workflow.WorkflowDef{}
	if err := json.Unmarshal(data, def); err != nil {
		return nil, fmt.Errorf("history: decode definition %s: %w", hash, err)
	}
	v, _ := d.byHash.LoadOrStore(hash, def)
	return v.(*workflow.WorkflowDef), nil
}
