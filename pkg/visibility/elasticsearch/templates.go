package elasticsearch

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"

	esschema "github.com/legatohq/legato/schema/elasticsearch"
)

// kinds are the summary kinds, each an alias over one index.
var kinds = []string{"workflows", "tasks"}

// generation is the suffix of the index behind each alias. A rebuild
// writes generation+1 and swaps the alias (doc.go, "Rebuilds").
const generation = "v1"

// template is one PUT of EnsureIndices.
type template struct {
	path string // the request path
	body map[string]any
}

// templates renders schema/elasticsearch for s's prefix: the files name
// "legato-…"; index_patterns, composed_of and the alias are rewritten,
// everything else is sent as written.
func (s *Store) templates() ([]template, error) {
	p := s.opts.IndexPrefix
	comp, err := readTemplate("component_settings.json")
	if err != nil {
		return nil, err
	}
	out := []template{{path: "/_component_template/" + p + "-settings", body: comp}}
	for _, kind := range kinds {
		t, err := readTemplate("index_template_" + kind + ".json")
		if err != nil {
			return nil, err
		}
		t["index_patterns"] = []any{s.Alias(kind) + "-*"}
		t["composed_of"] = []any{p + "-settings"}
		inner, _ := t["template"].(map[string]any)
		if inner == nil {
			return nil, fmt.Errorf("elasticsearch: index_template_%s.json has no template", kind)
		}
		inner["aliases"] = map[string]any{s.Alias(kind): map[string]any{}}
		out = append(out, template{path: "/_index_template/" + s.Alias(kind), body: t})
	}
	return out, nil
}

func readTemplate(name string) (map[string]any, error) {
	b, err := fs.ReadFile(esschema.Files(), name)
	if err != nil {
		return nil, fmt.Errorf("elasticsearch: template %s: %w", name, err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("elasticsearch: template %s: %w", name, err)
	}
	return m, nil
}

// EnsureIndices puts the component and index templates (replacing older
// ones: a changed mapping applies to indices created after) and creates
// each kind's index, whose template gives it its alias, unless the alias
// already exists. It is idempotent and safe to run from several nodes.
func (s *Store) EnsureIndices(ctx context.Context) error {
	ts, err := s.templates()
	if err != nil {
		return err
	}
	for _, t := range ts {
		body, err := json.Marshal(t.body)
		if err != nil {
			return fmt.Errorf("elasticsearch: encode %s: %w", t.path, err)
		}
		res, err := s.do(ctx, http.MethodPut, t.path, nil, body)
		if err != nil {
			return err
		}
		if !ok(res.status) {
			return res.failed("put " + t.path)
		}
	}
	for _, kind := range kinds {
		res, err := s.do(ctx, http.MethodHead, "/"+s.Alias(kind), nil, nil)
		if err != nil {
			return err
		}
		if ok(res.status) {
			continue
		}
		index := "/" + s.Alias(kind) + "-" + generation
		res, err = s.do(ctx, http.MethodPut, index, nil, nil)
		if err != nil {
			return err
		}
		// Another node may have created it since the HEAD.
		if !ok(res.status) && res.err().Type != "resource_already_exists_exception" {
			return res.failed("create " + index)
		}
	}
	return nil
}
