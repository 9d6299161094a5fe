package expr

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		in   any
		err  string // substring; "" = valid
	}{
		{"nil", nil, ""},
		{"plain", "hello", ""},
		{"number", 3.0, ""},
		{"simple", "${workflow.input.a}", ""},
		{"text", "id-${t1.output.id}-x", ""},
		{"empty expr", "${}", ""},
		{"escape", "$${not closed", ""},
		{"escape closed", "$${x}", ""},
		{"task id", "${CPEWF_TASK_ID}", ""},
		{"env", "${NETFLIX_ENV}", ""},
		{"filter", "${t1.output.items[?(@.x > 1)].id}", ""},
		{"length", "${t1.output.items.length()}", ""},
		{"nested", "${workflow.input.${t1.output.k}}", ""},
		{"nested bracket", "${workflow.input.list[${t1.output.i}]}", ""},
		{"keys not checked", map[string]any{"${a.b[": "ok"}, ""},

		{"unterminated", "${a.b", `expr: bad expression "${a.b": "${" without a closing "}"`},
		{"unterminated in text", "x ${a.b", `expr: bad expression "${a.b" in "x ${a.b"`},
		{"bad bracket", "${a.b[}", `expr: bad expression "${a.b[}": invalid path: unterminated '['`},
		{"bad filter", "pre ${a[?(@.x >)]} post", `bad expression "${a[?(@.x >)]}" in "pre ${a[?(@.x >)]} post"`},
		{"blank in name", "${a.b c}", "bracket notation"},
		{"bad function", "${a.b.max()}", "unsupported function"},
		{"bad nested inner", "${workflow.input.${t1.[}}", `bad expression "${t1.[}"`},
		{"unterminated outer nested", "${a.${b}", `"${" without a closing "}"`},
		{"in map", map[string]any{"a": "ok", "b": map[string]any{"c": []any{1.0, "${x[}"}}}, `bad expression "${x[}"`},
		{"in list", []any{"ok", "${x..}"}, `bad expression "${x..}"`},
		{"too deep", strings.Repeat("${", 40) + "a" + strings.Repeat("}", 40), "nested more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.in)
			if tt.err == "" {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Check = nil, want %q", tt.err)
			}
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("error %v does not wrap ErrSyntax", err)
			}
			if !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("Check = %q, want it to contain %q", err, tt.err)
			}
		})
	}
}

func TestCheckDeterministic(t *testing.T) {
	in := map[string]any{"a": "${x[", "b": "${y[", "c": "${z["}
	first := Check(in).Error()
	for range 20 {
		if got := Check(in).Error(); got != first {
			t.Fatalf("Check not deterministic: %q vs %q", got, first)
		}
	}
	if !strings.Contains(first, `"${x["`) {
		t.Fatalf("want first key in order, got %q", first)
	}
}

func TestRoots(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want []string
	}{
		{"none", "hello", nil},
		{"nil", nil, nil},
		{"one", "${workflow.input.a}", []string{"workflow"}},
		{"dedupe and sort", map[string]any{
			"a": "${t2.output.x}",
			"b": []any{"${workflow.input.a} ${t1.output.b}", "${t2.input}"},
			"c": map[string]any{"d": "${t1.output.c[*].id}"},
		}, []string{"t1", "t2", "workflow"}},
		{"explicit $", "${$.t1.output}", []string{"t1"}},
		{"bracket root", "${['t 3'].output}", []string{"t 3"}},
		{"hyphen", "${my-task.output}", []string{"my-task"}},
		{"bare ref", "${t1}", []string{"t1"}},
		{"bare env-like", "${HOME}", []string{"HOME"}},
		{"system params skipped", "${CPEWF_TASK_ID} ${NETFLIX_ENV} ${NETFLIX_STACK}", nil},
		{"empty and escape skipped", "${} $${t9.x}", nil},
		{"nested", "${workflow.input.${t1.output.k}}", []string{"t1", "workflow"}},
		{"nested root unknown", "${${t1.output.ref}.output.x}", []string{"t1"}},
		{"bad path skipped", "${t1.[} ${t2.x}", []string{"t2"}},
		{"keys skipped", map[string]any{"${k1.x}": "${t1.x}"}, []string{"t1"}},
		{"wildcard root skipped", "${*.output}", nil},
		{"env and secrets", "${workflow.env.X} ${workflow.secrets.Y}", []string{"workflow"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Roots(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Roots = %#v, want %#v", got, tt.want)
			}
		})
	}
}
