package elasticsearch

import (
	"reflect"
	"strings"
	"testing"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/visibility/query"
)

// TestMappingCoversSchema: every field the query schema names is mapped
// with the type its translation expects, every free-text field is a
// keyword or text (sub-)field, and every field of the summary is mapped,
// so a new summary field needs a mapping decision (dynamic is false: an
// unmapped field would be silently unsearchable).
func TestMappingCoversSchema(t *testing.T) {
	want := map[query.Type]string{
		query.Keyword: "keyword", query.Text: "text", query.Date: "date",
		query.Long: "long", query.Int: "integer", query.Bool: "boolean",
	}
	check := func(kind string, schema *query.Schema, freeText []string, summary any) {
		tmpl, err := readTemplate("index_template_" + kind + ".json")
		if err != nil {
			t.Fatal(err)
		}
		props := tmpl["template"].(map[string]any)["mappings"].(map[string]any)["properties"].(map[string]any)
		typeOf := func(path string) string {
			name, sub, _ := strings.Cut(path, ".")
			m, _ := props[name].(map[string]any)
			if sub != "" {
				fields, _ := m["fields"].(map[string]any)
				m, _ = fields[sub].(map[string]any)
			}
			typ, _ := m["type"].(string)
			return typ
		}
		for _, f := range schema.Fields() {
			if got := typeOf(f.ESField); got != want[f.Type] {
				t.Errorf("%s: %s is mapped as %q, the query schema needs %q", kind, f.ESField, got, want[f.Type])
			}
		}
		for _, f := range freeText {
			if got := typeOf(f); got != "keyword" && got != "text" {
				t.Errorf("%s: free-text field %s is mapped as %q", kind, f, got)
			}
		}
		st := reflect.TypeOf(summary)
		for i := range st.NumField() {
			name, _, _ := strings.Cut(st.Field(i).Tag.Get("json"), ",")
			if _, ok := props[name]; !ok {
				t.Errorf("%s: summary field %s is not mapped", kind, name)
			}
		}
	}
	check("workflows", workflows.schema, workflows.freeText, api.WorkflowSummary{})
	check("tasks", tasks.schema, tasks.freeText, api.TaskSummary{})
}
