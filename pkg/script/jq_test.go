package script

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestJQ(t *testing.T) {
	e := newEvaluator(t, Limits{})
	for _, tc := range []struct {
		name, query string
		want        []any
		err         error
		msg         string
	}{
		{name: "field", query: ".a", want: []any{1.0}},
		{name: "int input", query: ".n + 1", want: []any{6}},
		{name: "collect ids", query: "[.items[] | .id]", want: []any{[]any{"i1", "i2"}}},
		{name: "multiple results", query: ".items[] | .id", want: []any{"i1", "i2"}},
		{name: "select", query: "[.items[] | select(.amount > 100) | .id]", want: []any{[]any{"i2"}}},
		{name: "object", query: "{s, count: (.items | length)}", want: []any{map[string]any{"s": "x", "count": 2}}},
		{name: "nested", query: ".obj.b", want: []any{[]any{1.0, "two", nil, true}}},
		{name: "no results", query: "empty", want: []any{}},
		{name: "missing", query: ".missing", want: []any{nil}},
		{name: "comma order", query: "[(1,2) * (3,4)]", want: []any{[]any{3, 6, 4, 8}}},
		{name: "string repeat", query: `"ab" * 3`, want: []any{"ababab"}},
		{name: "object merge", query: `{"a":{"b":1}} * {"a":{"c":2}}`, want: []any{map[string]any{"a": map[string]any{"b": 1, "c": 2}}}},
		{name: "update multiply", query: ".n *= 2 | .n", want: []any{10}},
		{name: "multiply in def", query: "def twice: . * 2; .n | twice", want: []any{10}},
		{name: "big int", query: "9223372036854775807 + 1", want: []any{9.223372036854775808e18}},
		{name: "huge literal", query: "1" + strings.Repeat("0", 400), want: []any{math.MaxFloat64}},
		{name: "nan and infinite", query: "nan, infinite, -infinite", want: []any{nil, math.MaxFloat64, -math.MaxFloat64}},
		{name: "halt", query: "1, halt, 2", want: []any{1}},
		{name: "try error", query: `try error("x") catch .`, want: []any{"x"}},
		{name: "env hidden", query: "$ENV | length", want: []any{0}},
		{name: "error", query: `error("boom")`, err: ErrScript, msg: "boom"},
		{name: "type error", query: ".s | keys", err: ErrScript, msg: "keys cannot be applied"},
		{name: "parse error", query: ".[", err: ErrScript, msg: "unexpected"},
		{name: "compile error", query: "nofunc(1)", err: ErrScript, msg: "function not defined"},
		{name: "halt_error", query: `"bad" | halt_error`, err: ErrScript, msg: "bad"},
		{name: "input", query: "input", err: ErrScript, msg: "input"},
		{name: "import", query: `import "m" as m; .`, err: ErrScript, msg: "m"},
		{name: "nested source", query: strings.Repeat("[", 2000) + strings.Repeat("]", 2000), err: ErrScript, msg: "nested deeper than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := e.JQ(tc.query, testInput())
			checkErr(t, err, tc.err, tc.msg)
			if tc.err == nil && !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("JQ(%q) = %#v, want %#v", tc.query, got, tc.want)
			}
		})
	}
}

// TestJQResultsAreCopies checks that mutating a result touches neither
// the input nor the compiled query's constants, which later calls share.
func TestJQResultsAreCopies(t *testing.T) {
	e := newEvaluator(t, Limits{})
	const q = `{"k": [1, 2]}, .obj`
	in := testInput()
	r1, err := e.JQ(q, in)
	if err != nil {
		t.Fatal(err)
	}
	r1[0].(map[string]any)["k"].([]any)[0] = "changed"
	r1[1].(map[string]any)["b"] = "changed"
	if !reflect.DeepEqual(in, testInput()) {
		t.Fatalf("input mutated: %#v", in)
	}
	r2, err := e.JQ(q, in)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"k": []any{1, 2}}; !reflect.DeepEqual(r2[0], want) {
		t.Fatalf("constant shared between calls: %#v", r2[0])
	}
}
