package kibana

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const (
	ndjsonFile = "legato.ndjson"
	schemaDir  = "../../schema/elasticsearch"
	dashboard  = "legato-overview"
)

// object is one saved object of the export format.
type object struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	Attributes json.RawMessage `json:"attributes"`
	References []reference     `json:"references"`
	line       int
}

type reference struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (o object) String() string { return fmt.Sprintf("line %d (%s %s)", o.line, o.Type, o.ID) }

// readObjects reads legato.ndjson, failing on a line that is not one JSON
// object with a type, an id and attributes.
func readObjects(t *testing.T) []object {
	t.Helper()
	data, err := os.ReadFile(ndjsonFile)
	if err != nil {
		t.Fatal(err)
	}
	var objs []object
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<22)
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			t.Errorf("line %d: empty (the import API takes one object per line)", n)
			continue
		}
		var o object
		dec := json.NewDecoder(bytes.NewReader(line))
		if err := dec.Decode(&o); err != nil {
			t.Errorf("line %d: %v", n, err)
			continue
		}
		if dec.More() {
			t.Errorf("line %d: more than one JSON value", n)
		}
		o.line = n
		var attrs map[string]any
		switch {
		case o.Type == "" || o.ID == "":
			t.Errorf("%v: missing type or id", o)
		case json.Unmarshal(o.Attributes, &attrs) != nil || attrs == nil:
			t.Errorf("%v: attributes is not an object", o)
		}
		objs = append(objs, o)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(objs) == 0 {
		t.Fatalf("%s holds no objects", ndjsonFile)
	}
	return objs
}

// field is one mapped field: its Elasticsearch type and whether it is
// searchable (index is not false).
type field struct {
	Type    string
	Indexed bool
}

// readMappings returns, per alias of the index templates in
// schema/elasticsearch, the mapped fields by path (object properties as
// a.b, multi-fields as field.sub).
func readMappings(t *testing.T) map[string]map[string]field {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(schemaDir, "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no templates in %s: %v", schemaDir, err)
	}
	byAlias := map[string]map[string]field{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var tmpl struct {
			Template struct {
				Aliases  map[string]json.RawMessage `json:"aliases"`
				Mappings struct {
					Properties map[string]json.RawMessage `json:"properties"`
				} `json:"mappings"`
			} `json:"template"`
		}
		if err := json.Unmarshal(data, &tmpl); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if len(tmpl.Template.Mappings.Properties) == 0 {
			continue // component_settings.json: settings only
		}
		fields := map[string]field{}
		if err := flatten("", tmpl.Template.Mappings.Properties, fields); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for alias := range tmpl.Template.Aliases {
			byAlias[alias] = fields
		}
	}
	if len(byAlias) == 0 {
		t.Fatalf("no template in %s has aliases and mappings", schemaDir)
	}
	return byAlias
}

func flatten(prefix string, props map[string]json.RawMessage, out map[string]field) error {
	for name, raw := range props {
		var m struct {
			Type       string                     `json:"type"`
			Index      *bool                      `json:"index"`
			Properties map[string]json.RawMessage `json:"properties"`
			Fields     map[string]json.RawMessage `json:"fields"`
		}
		if err := json.Unmarshal(raw, &m); err != nil {
			return fmt.Errorf("%s%s: %v", prefix, name, err)
		}
		path := prefix + name
		typ := m.Type
		if typ == "" && m.Properties != nil {
			typ = "object"
		}
		out[path] = field{Type: typ, Indexed: m.Index == nil || *m.Index}
		if err := flatten(path+".", m.Properties, out); err != nil {
			return err
		}
		if err := flatten(path+".", m.Fields, out); err != nil {
			return err
		}
	}
	return nil
}

// dataView is an index-pattern object's attributes.
type dataView struct {
	Title          string `json:"title"`
	Name           string `json:"name"`
	TimeFieldName  string `json:"timeFieldName"`
	Fields         string `json:"fields"`
	FieldFormatMap string `json:"fieldFormatMap"`
}

// fixture is the file and the mappings, indexed.
type fixture struct {
	objs     []object
	byKey    map[string]object // type/id
	views    map[string]dataView
	mappings map[string]map[string]field
}

func load(t *testing.T) fixture {
	t.Helper()
	f := fixture{
		objs:     readObjects(t),
		byKey:    map[string]object{},
		views:    map[string]dataView{},
		mappings: readMappings(t),
	}
	for _, o := range f.objs {
		f.byKey[o.Type+"/"+o.ID] = o
		if o.Type == "index-pattern" {
			var dv dataView
			if err := json.Unmarshal(o.Attributes, &dv); err != nil {
				t.Fatalf("%v: %v", o, err)
			}
			f.views[o.ID] = dv
		}
	}
	return f
}

// fieldsOf returns the mapped fields behind a data view: those of the
// template whose alias the data view's title names.
func (f fixture) fieldsOf(t *testing.T, dvID string) map[string]field {
	t.Helper()
	dv, ok := f.views[dvID]
	if !ok {
		t.Fatalf("no data view %q", dvID)
	}
	fields, ok := f.mappings[dv.Title]
	if !ok {
		t.Fatalf("data view %s: title %q is no alias of a template in %s", dvID, dv.Title, schemaDir)
	}
	return fields
}

// TestObjects: ids are unique, every reference points at an object in the
// file, and the file has the two data views and the dashboard.
func TestObjects(t *testing.T) {
	f := load(t)
	seen := map[string]object{}
	for _, o := range f.objs {
		if prev, ok := seen[o.ID]; ok {
			t.Errorf("%v: id already used by %v", o, prev)
		}
		seen[o.ID] = o
		names := map[string]bool{}
		for _, r := range o.References {
			if _, ok := f.byKey[r.Type+"/"+r.ID]; !ok {
				t.Errorf("%v: reference %q points at %s %s, which the file does not hold", o, r.Name, r.Type, r.ID)
			}
			if r.Name == "" || names[r.Name] {
				t.Errorf("%v: reference name %q empty or repeated", o, r.Name)
			}
			names[r.Name] = true
		}
	}
	for _, key := range []string{"index-pattern/legato-workflows-dv", "index-pattern/legato-tasks-dv", "dashboard/" + dashboard} {
		if _, ok := f.byKey[key]; !ok {
			t.Errorf("missing %s", key)
		}
	}
	for _, o := range f.objs {
		switch o.Type {
		case "index-pattern", "lens", "dashboard":
		default:
			t.Errorf("%v: unexpected type", o)
		}
	}
}

// TestDataViews: each data view is on an alias of the templates, with a
// date time field, and formats only mapped fields.
func TestDataViews(t *testing.T) {
	f := load(t)
	want := map[string]string{"legato-workflows": "startTime", "legato-tasks": "updateTime"}
	for id, dv := range f.views {
		fields := f.fieldsOf(t, id)
		if tf, ok := want[dv.Title]; !ok {
			t.Errorf("data view %s: title %q, want one of legato-workflows, legato-tasks", id, dv.Title)
		} else if dv.TimeFieldName != tf {
			t.Errorf("data view %s: time field %q, want %q", id, dv.TimeFieldName, tf)
		}
		delete(want, dv.Title)
		if fld := fields[dv.TimeFieldName]; fld.Type != "date" {
			t.Errorf("data view %s: time field %q is mapped as %q, want date", id, dv.TimeFieldName, fld.Type)
		}
		var formats map[string]json.RawMessage
		if err := json.Unmarshal([]byte(dv.FieldFormatMap), &formats); dv.FieldFormatMap != "" && err != nil {
			t.Errorf("data view %s: fieldFormatMap: %v", id, err)
		}
		for name := range formats {
			if _, ok := fields[name]; !ok {
				t.Errorf("data view %s: fieldFormatMap formats %q, not in the mapping of %s", id, name, dv.Title)
			}
		}
		var listed []struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal([]byte(dv.Fields), &listed); dv.Fields != "" && err != nil {
			t.Errorf("data view %s: fields: %v", id, err)
		}
		for _, l := range listed {
			if _, ok := fields[l.Name]; !ok && !strings.HasPrefix(l.Name, "_") {
				t.Errorf("data view %s: lists field %q, not in the mapping of %s", id, l.Name, dv.Title)
			}
		}
	}
	for title := range want {
		t.Errorf("no data view on %s", title)
	}
}

// lensAttrs is the part of a Lens object the test reads.
type lensAttrs struct {
	Title             string `json:"title"`
	VisualizationType string `json:"visualizationType"`
	State             struct {
		DatasourceStates map[string]struct {
			Layers map[string]struct {
				Columns     map[string]column `json:"columns"`
				ColumnOrder []string          `json:"columnOrder"`
			} `json:"layers"`
		} `json:"datasourceStates"`
		Visualization json.RawMessage `json:"visualization"`
		Query         kql             `json:"query"`
		Filters       []any           `json:"filters"`
	} `json:"state"`
}

type column struct {
	OperationType string          `json:"operationType"`
	SourceField   string          `json:"sourceField"`
	Filter        *kql            `json:"filter"`
	Params        json.RawMessage `json:"params"`
	References    []string        `json:"references"`
}

type kql struct {
	Query    string `json:"query"`
	Language string `json:"language"`
}

// operandTypes are the mapping types each Lens operation on a field
// accepts (count's ___records___ is no field).
var operandTypes = map[string][]string{
	"date_histogram": {"date"},
	"terms":          {"keyword", "boolean", "integer", "long", "ip"},
	"percentile":     {"integer", "long", "float", "double", "scaled_float"},
	"median":         {"integer", "long", "float", "double", "scaled_float"},
	"average":        {"integer", "long", "float", "double", "scaled_float"},
	"sum":            {"integer", "long", "float", "double", "scaled_float"},
	"min":            {"integer", "long", "float", "double", "scaled_float", "date"},
	"max":            {"integer", "long", "float", "double", "scaled_float", "date"},
	"unique_count":   {"keyword", "boolean", "integer", "long", "ip", "date"},
	"count":          {"keyword", "boolean", "integer", "long", "ip", "date"},
}

var (
	quoted    = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	kqlField  = regexp.MustCompile(`([A-Za-z_@][A-Za-z0-9_.@]*)\s*(?::|<=|>=|<|>)`)
	formulaKQ = regexp.MustCompile(`kql\s*=\s*'((?:[^'\\]|\\.)*)'`)
)

// kqlFields returns the field names a KQL query names (field:value,
// field>value, ...), ignoring quoted values.
func kqlFields(q string) []string {
	var out []string
	for _, m := range kqlField.FindAllStringSubmatch(quoted.ReplaceAllString(q, `""`), -1) {
		out = append(out, m[1])
	}
	return out
}

// TestLens: each Lens visualization's layers are on data views of the
// file, and every field its columns, filters, formulas and query use is
// in that data view's mapping with a type the operation accepts; the
// visualization shows only columns of its layers.
func TestLens(t *testing.T) {
	f := load(t)
	n := 0
	for _, o := range f.objs {
		if o.Type != "lens" {
			continue
		}
		n++
		var a lensAttrs
		if err := json.Unmarshal(o.Attributes, &a); err != nil {
			t.Errorf("%v: %v", o, err)
			continue
		}
		if a.Title == "" || a.VisualizationType == "" {
			t.Errorf("%v: title or visualizationType missing", o)
		}
		refs := map[string]reference{}
		for _, r := range o.References {
			refs[r.Name] = r
		}
		ds, ok := a.State.DatasourceStates["formBased"]
		if !ok {
			ds, ok = a.State.DatasourceStates["indexpattern"]
		}
		if !ok || len(ds.Layers) == 0 {
			t.Errorf("%v: no formBased (or indexpattern) layers", o)
			continue
		}
		columnIDs := map[string]bool{}
		var layerFields []map[string]field
		for layerID, layer := range ds.Layers {
			r, ok := refs["indexpattern-datasource-layer-"+layerID]
			if !ok || r.Type != "index-pattern" {
				t.Errorf("%v: layer %s has no index-pattern reference indexpattern-datasource-layer-%s", o, layerID, layerID)
				continue
			}
			if _, ok := f.views[r.ID]; !ok {
				t.Errorf("%v: layer %s is on data view %q, not in the file", o, layerID, r.ID)
				continue
			}
			fields := f.fieldsOf(t, r.ID)
			layerFields = append(layerFields, fields)
			where := fmt.Sprintf("%v layer %s (%s)", o, layerID, f.views[r.ID].Title)
			order := slices.Sorted(func(yield func(string) bool) {
				for id := range layer.Columns {
					if !yield(id) {
						return
					}
				}
			})
			if got := slices.Sorted(slices.Values(layer.ColumnOrder)); !slices.Equal(got, order) {
				t.Errorf("%s: columnOrder %v, columns %v", where, layer.ColumnOrder, order)
			}
			for id, c := range layer.Columns {
				columnIDs[id] = true
				checkColumn(t, where+" column "+id, c, fields, layer.Columns)
			}
		}
		if a.State.Query.Query != "" {
			for _, fields := range layerFields {
				checkKQL(t, fmt.Sprintf("%v query", o), a.State.Query, fields)
			}
		}
		if len(a.State.Filters) != 0 {
			t.Errorf("%v: has filters; put conditions in the query, which this test checks", o)
		}
		for _, acc := range accessors(a.State.Visualization) {
			if !columnIDs[acc] {
				t.Errorf("%v: visualization shows column %q, which no layer has", o, acc)
			}
		}
	}
	if n == 0 {
		t.Error("no lens objects")
	}
}

func checkColumn(t *testing.T, where string, c column, fields map[string]field, all map[string]column) {
	t.Helper()
	if c.SourceField != "" && c.SourceField != "___records___" {
		fld, ok := fields[c.SourceField]
		switch {
		case !ok:
			t.Errorf("%s: field %q is not mapped", where, c.SourceField)
		case operandTypes[c.OperationType] == nil:
			t.Errorf("%s: operation %q unknown to this test", where, c.OperationType)
		case !slices.Contains(operandTypes[c.OperationType], fld.Type):
			t.Errorf("%s: %s on %q, mapped as %s", where, c.OperationType, c.SourceField, fld.Type)
		}
	}
	if c.Filter != nil {
		checkKQL(t, where+" filter", *c.Filter, fields)
	}
	for _, ref := range c.References {
		if _, ok := all[ref]; !ok {
			t.Errorf("%s: references column %q, not in the layer", where, ref)
		}
	}
	if c.OperationType == "formula" {
		var p struct {
			Formula string `json:"formula"`
		}
		if err := json.Unmarshal(c.Params, &p); err != nil || p.Formula == "" {
			t.Errorf("%s: formula without params.formula", where)
		}
		for _, m := range formulaKQ.FindAllStringSubmatch(p.Formula, -1) {
			checkKQL(t, where+" formula", kql{Query: m[1], Language: "kuery"}, fields)
		}
	}
}

func checkKQL(t *testing.T, where string, q kql, fields map[string]field) {
	t.Helper()
	if q.Language != "kuery" {
		t.Errorf("%s: language %q, want kuery", where, q.Language)
	}
	for _, name := range kqlFields(q.Query) {
		fld, ok := fields[name]
		switch {
		case !ok:
			t.Errorf("%s: %q uses %q, which is not mapped", where, q.Query, name)
		case !fld.Indexed || fld.Type == "object":
			t.Errorf("%s: %q uses %q, which is not searchable", where, q.Query, name)
		}
	}
}

// accessors returns the column ids a Lens visualization state shows.
func accessors(raw json.RawMessage) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				switch k {
				case "xAccessor", "splitAccessor", "metricAccessor", "accessor", "secondaryMetricAccessor", "maxAccessor", "breakdownByAccessor", "columnId":
					if s, ok := x.(string); ok {
						out = append(out, s)
						continue
					}
				case "accessors", "splitAccessors":
					if xs, ok := x.([]any); ok {
						for _, s := range xs {
							if s, ok := s.(string); ok {
								out = append(out, s)
							}
						}
						continue
					}
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	var v any
	if json.Unmarshal(raw, &v) == nil {
		walk(v)
	}
	return out
}

// TestDashboard: the dashboard's panels resolve through its references,
// and it shows every Lens visualization of the file.
func TestDashboard(t *testing.T) {
	f := load(t)
	d, ok := f.byKey["dashboard/"+dashboard]
	if !ok {
		t.Fatalf("no dashboard %s", dashboard)
	}
	var a struct {
		Title      string `json:"title"`
		PanelsJSON string `json:"panelsJSON"`
	}
	if err := json.Unmarshal(d.Attributes, &a); err != nil {
		t.Fatal(err)
	}
	var panels []struct {
		Type         string `json:"type"`
		PanelIndex   string `json:"panelIndex"`
		PanelRefName string `json:"panelRefName"`
		GridData     struct {
			X, Y, W, H int
			I          string
		} `json:"gridData"`
	}
	if err := json.Unmarshal([]byte(a.PanelsJSON), &panels); err != nil {
		t.Fatalf("panelsJSON: %v", err)
	}
	refs := map[string]reference{}
	for _, r := range d.References {
		refs[r.Name] = r
	}
	shown := map[string]bool{}
	indexes := map[string]bool{}
	for _, p := range panels {
		if p.PanelIndex == "" || indexes[p.PanelIndex] || p.GridData.I != p.PanelIndex {
			t.Errorf("panel %q: panelIndex empty, repeated or not gridData.i (%q)", p.PanelIndex, p.GridData.I)
		}
		indexes[p.PanelIndex] = true
		if g := p.GridData; g.X < 0 || g.W <= 0 || g.H <= 0 || g.X+g.W > 48 {
			t.Errorf("panel %s: gridData %+v outside the 48-column grid", p.PanelIndex, g)
		}
		// Kibana 8 names a panel's reference panelIndex:panelRefName.
		r, ok := refs[p.PanelIndex+":"+p.PanelRefName]
		if !ok {
			t.Errorf("panel %s: no reference %s:%s", p.PanelIndex, p.PanelIndex, p.PanelRefName)
			continue
		}
		if r.Type != p.Type {
			t.Errorf("panel %s: type %q, reference to a %q", p.PanelIndex, p.Type, r.Type)
		}
		shown[r.Type+"/"+r.ID] = true
	}
	for _, o := range f.objs {
		if o.Type == "lens" && !shown["lens/"+o.ID] {
			t.Errorf("the dashboard does not show %v", o)
		}
	}
	if len(d.References) != len(panels) {
		t.Errorf("dashboard: %d references, %d panels", len(d.References), len(panels))
	}
}
