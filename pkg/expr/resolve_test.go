package expr

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// ctxJSON is the context document used by the tests, as Conductor builds it.
const ctxJSON = `{
  "workflow": {
    "input": {
      "name": "alice",
      "n": 5,
      "pi": 3.25,
      "flag": true,
      "none": null,
      "k": "name",
      "kk": "k",
      "odd key": "odd",
      "a-b": "dash",
      "list": [1, 2, 3],
      "empty": [],
      "obj": {"b": 2, "a": "x", "c": [1, "y"]},
      "items": [
        {"id": "i1", "x": 1, "tags": ["a"]},
        {"id": "i2", "x": 2.5, "tags": []},
        {"id": "i3", "x": 7}
      ],
      "big": 12345678901,
      "small": 0.00001,
      "unicode": "h\u00e9llo \ud83d\ude00",
      "esc": "$${x}"
    },
    "output": {},
    "status": "RUNNING",
    "workflowId": "wf-1",
    "workflowType": "demo",
    "version": 2,
    "correlationId": null,
    "variables": {"v": "var"}
  },
  "t1": {
    "input": {"q": 1},
    "output": {"result": {"id": 42, "rows": [{"v": 1}, {"v": 2}]}, "k": "result"},
    "taskType": "SIMPLE",
    "status": "COMPLETED",
    "referenceTaskName": "t1",
    "retryCount": 0
  },
  "my-task": {"output": {"x": "hyphen"}}
}`

func testCtx(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(ctxJSON), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func testEnv(t testing.TB) Env {
	doc := testCtx(t)
	return Env{
		Lookup: func(root string) (any, bool) {
			v, ok := doc[root]
			return v, ok
		},
		TaskID: "task-123",
		Getenv: func(name string) (string, bool) {
			switch name {
			case "NETFLIX_ENV":
				return "test", true
			case "HOME":
				return "/home/legato", true
			case "JSONVAR":
				return `{"a": {"b": [10, 20]}}`, true
			}
			return "", false
		},
	}
}

func TestResolveString(t *testing.T) {
	env := testEnv(t)
	tests := []struct {
		name string
		in   string
		want any
	}{
		// No expression: returned as is.
		{"plain", "hello", "hello"},
		{"empty string", "", ""},
		{"lone dollar", "cost $5 {x}", "cost $5 {x}"},

		// A whole expression keeps the JSON type.
		{"whole string", "${workflow.input.name}", "alice"},
		{"whole number", "${workflow.input.n}", 5.0},
		{"whole float", "${workflow.input.pi}", 3.25},
		{"whole bool", "${workflow.input.flag}", true},
		{"whole null", "${workflow.input.none}", nil},
		{"whole list", "${workflow.input.list}", []any{1.0, 2.0, 3.0}},
		{"whole map", "${workflow.input.obj}", map[string]any{"b": 2.0, "a": "x", "c": []any{1.0, "y"}}},
		{"whole root", "${t1.output.result.id}", 42.0},
		{"whole task object field", "${t1.status}", "COMPLETED"},
		{"explicit $.", "${$.workflow.input.name}", "alice"},
		{"blanks trimmed", "${ workflow.input.name }", "alice"},
		{"hyphenated ref", "${my-task.output.x}", "hyphen"},
		{"hyphenated key", "${workflow.input.a-b}", "dash"},

		// Missing ⇒ null (definite) or [] (indefinite).
		{"missing key", "${workflow.input.nope}", nil},
		{"missing root", "${t9.output.x}", nil},
		{"missing deep", "${workflow.input.nope.deeper[0]}", nil},
		{"through null", "${workflow.input.none.x}", nil},
		{"key on list", "${workflow.input.list.x}", nil},
		{"index out of range", "${workflow.input.list[9]}", nil},
		{"index on map", "${workflow.input.obj[0]}", nil},
		{"missing wildcard", "${workflow.input.nope[*].id}", []any{}},
		{"missing filter", "${workflow.input.items[?(@.x > 100)].id}", []any{}},
		{"missing deep scan", "${t9..id}", []any{}},
		{"bad path", "${workflow.input.name[}", nil},
		{"bad function", "${workflow.input.list.max()}", nil},
		{"whole document", "${$}", nil},

		// Path syntax.
		{"index", "${workflow.input.list[1]}", 2.0},
		{"negative index", "${workflow.input.list[-1]}", 3.0},
		{"odd key", "${workflow.input['odd key']}", "odd"},
		{"odd key double quotes", `${workflow.input["odd key"]}`, "odd"},
		{"odd key at root", "${['workflow']['input']['odd key']}", "odd"},
		{"dot bracket", "${workflow.input.['odd key']}", "odd"},
		{"wildcard", "${workflow.input.items[*].id}", []any{"i1", "i2", "i3"}},
		{"dot wildcard list", "${workflow.input.list.*}", []any{1.0, 2.0, 3.0}},
		{"filter", "${workflow.input.items[?(@.x > 1)].id}", []any{"i2", "i3"}},
		{"filter string", "${workflow.input.items[?(@.id == 'i3')].x}", []any{7.0}},
		{"filter root ref", "${workflow.input.items[?(@.id == $.workflow.input.items[0].id)].x}", []any{1.0}},
		{"filter other root", "${workflow.input.items[?(@.x == $.t1.output.result.rows[1].v)].id}", []any{}},
		{"deep scan", "${t1.output..v}", []any{1.0, 2.0}},
		{"union", "${workflow.input.list[0,2]}", []any{1.0, 3.0}},
		{"slice", "${workflow.input.list[1:]}", []any{2.0, 3.0}},
		{"nested index", "${t1.output.result.rows[1].v}", 2.0},

		// length().
		{"length list", "${workflow.input.list.length()}", 3},
		{"length empty list", "${workflow.input.empty.length()}", 0},
		{"length map", "${workflow.input.obj.length()}", 3},
		{"length string", "${workflow.input.name.length()}", 5},
		{"length string utf16", "${workflow.input.unicode.length()}", 8},
		{"length number", "${workflow.input.n.length()}", nil},
		{"length missing", "${workflow.input.nope.length()}", nil},
		{"length wildcard", "${workflow.input.items[*].id.length()}", 3},
		{"length filter", "${workflow.input.items[?(@.x > 1)].length()}", 2},
		{"length in text", "n=${workflow.input.list.length()}", "n=3"},

		// Interpolation with Java toString.
		{"text string", "id-${workflow.input.name}-x", "id-alice-x"},
		{"text int", "n=${workflow.input.n}", "n=5"},
		{"text float", "pi=${workflow.input.pi}", "pi=3.25"},
		{"text big", "${workflow.input.big}!", "12345678901!"},
		{"text small", "${workflow.input.small}!", "1.0E-5!"},
		{"text version", "v${workflow.version}", "v2"},
		{"text bool", "is ${workflow.input.flag}", "is true"},
		{"text null", "x=${workflow.input.none}", "x=null"},
		{"text missing", "x=${workflow.input.nope}", "x=null"},
		{"text list", "l=${workflow.input.list}", "l=[1, 2, 3]"},
		{"text empty list", "l=${workflow.input.empty}", "l=[]"},
		{"text map", "m=${workflow.input.obj}", "m={a=x, b=2, c=[1, y]}"},
		{"text wildcard", "ids=${workflow.input.items[*].id}", "ids=[i1, i2, i3]"},
		{"text map in list", "${workflow.input.items[0]} ", "{id=i1, tags=[a], x=1} "},
		{"two exprs", "${workflow.input.name}${workflow.input.n}", "alice5"},
		{"leading space", " ${workflow.input.n}", " 5"},
		{"trailing space", "${workflow.input.n} ", "5 "},

		// Nested, inside-out.
		{"nested", "${workflow.input.${workflow.input.k}}", "alice"},
		{"nested twice", "${workflow.input.${workflow.input.${workflow.input.kk}}}", "alice"},
		{"nested task", "${t1.output.${t1.output.k}.id}", 42.0},
		{"nested in text", "hi ${workflow.input.${workflow.input.k}}!", "hi alice!"},
		{"nested missing", "${workflow.input.${workflow.input.nope}}", nil},
		{"nested index", "${workflow.input.list[${workflow.input.list[0]}]}", 2.0},

		// ${} and escape.
		{"empty expr", "${}", ""},
		{"blank expr", "${  }", ""},
		{"empty expr in text", "a${}b", "ab"},
		{"escape", "$${workflow.input.name}", "${workflow.input.name}"},
		{"escape in text", "say $${x} and ${workflow.input.name}", "say ${x} and alice"},
		{"triple dollar", "$$${x}", "$${x}"},
		{"escape with nested", "$${a.${workflow.input.k}}", "${a.name}"},
		{"whole value with escape kept", "${workflow.input.esc}", "$${x}"},
		{"value with escape unescaped in text", "${workflow.input.esc}!", "${x}!"},

		// Unterminated and stray braces are text.
		{"unterminated", "${workflow.input.name", "${workflow.input.name"},
		{"unterminated then expr", "${a ${workflow.input.name}", "${a alice"},
		{"stray close", "} ${workflow.input.n} }", "} 5 }"},

		// Special names.
		{"task id", "${CPEWF_TASK_ID}", "task-123"},
		{"task id in text", "id:${CPEWF_TASK_ID}", "id:task-123"},
		{"env system", "${NETFLIX_ENV}", "test"},
		{"env other", "${HOME}", "/home/legato"},
		{"env missing", "${NETFLIX_STACK}", nil},
		{"env missing in text", "s=${NOPE_NOPE}", "s=null"},
		{"root wins over env", "${t1.taskType}", "SIMPLE"},
		{"workflow.env", "${workflow.env.HOME}", "/home/legato"},
		{"workflow.env missing", "${workflow.env.NOPE}", nil},
		{"workflow.env json", "${workflow.env.JSONVAR.a.b[1]}", 20.0},
		{"workflow.env json missing", "${workflow.env.JSONVAR.a.z}", nil},
		{"workflow.env not json", "${workflow.env.HOME.a}", nil},
		{"secrets deferred", "${workflow.secrets.token}", "${workflow.secrets.token}"},
		{"secrets deferred in text", "Bearer ${workflow.secrets.token}", "Bearer ${workflow.secrets.token}"},
		{"whole workflow field", "${workflow.workflowId}", "wf-1"},
		{"variables", "${workflow.variables.v}", "var"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Resolve(tt.in, env)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Resolve(%q) = %#v, want %#v", tt.in, got, tt.want)
			}
		})
	}
}

func TestResolveWholeRoot(t *testing.T) {
	env := testEnv(t)
	got := Resolve("${t1}", env)
	m, ok := got.(map[string]any)
	if !ok || m["taskType"] != "SIMPLE" {
		t.Fatalf("Resolve(${t1}) = %#v", got)
	}
}

func TestResolveNoGetenv(t *testing.T) {
	env := testEnv(t)
	env.Getenv = nil
	for in, want := range map[string]any{
		"${HOME}":             nil,
		"${workflow.env.X}":   nil,
		"${CPEWF_TASK_ID}":    "task-123",
		"${workflow.input.n}": 5.0,
	} {
		if got := Resolve(in, env); !reflect.DeepEqual(got, want) {
			t.Errorf("Resolve(%q) = %#v, want %#v", in, got, want)
		}
	}
	// A nil Lookup is an empty context.
	if got := Resolve("${workflow.input.n}", Env{}); got != nil {
		t.Errorf("nil Lookup: got %#v", got)
	}
}

func TestResolveRecursive(t *testing.T) {
	env := testEnv(t)
	in := map[string]any{
		"${workflow.input.name}": "${workflow.input.name}",
		"list": []any{
			"${workflow.input.n}",
			map[string]any{"deep": "x-${workflow.input.name}"},
			[]any{"${workflow.input.flag}", 7.0, nil},
		},
		"num":  1.5,
		"nil":  nil,
		"bool": false,
		"map":  map[string]any{"k": "${t1.output.result}"},
	}
	want := map[string]any{
		"${workflow.input.name}": "alice", // keys are not resolved
		"list": []any{
			5.0,
			map[string]any{"deep": "x-alice"},
			[]any{true, 7.0, nil},
		},
		"num":  1.5,
		"nil":  nil,
		"bool": false,
		"map": map[string]any{"k": map[string]any{
			"id":   42.0,
			"rows": []any{map[string]any{"v": 1.0}, map[string]any{"v": 2.0}},
		}},
	}
	got := ResolveMap(in, env)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ResolveMap = %#v\nwant %#v", got, want)
	}
	if got2 := Resolve(in, env); !reflect.DeepEqual(got2, want) {
		t.Fatalf("Resolve(map) = %#v", got2)
	}
	if got := ResolveMap(nil, env); got == nil || len(got) != 0 {
		t.Fatalf("ResolveMap(nil) = %#v", got)
	}
	for _, v := range []any{nil, 3.0, true, int64(4)} {
		if got := Resolve(v, env); got != v {
			t.Errorf("Resolve(%#v) = %#v", v, got)
		}
	}
}

func TestResolveDoesNotMutateOrAlias(t *testing.T) {
	doc := testCtx(t)
	pristine := testCtx(t)
	env := Env{Lookup: func(root string) (any, bool) { v, ok := doc[root]; return v, ok }}

	in := map[string]any{
		"obj":   "${workflow.input.obj}",
		"list":  "${workflow.input.list}",
		"items": "${workflow.input.items[*]}",
		"t1":    "${t1}",
		"keep":  []any{"a", map[string]any{"b": "c"}},
	}
	inCopy := deepCopy(in)
	out := ResolveMap(in, env)
	if !reflect.DeepEqual(in, inCopy) {
		t.Fatalf("input mutated: %#v", in)
	}
	// Mutate every output container; neither context nor input may change.
	out["obj"].(map[string]any)["a"] = "changed"
	out["obj"].(map[string]any)["c"].([]any)[0] = "changed"
	out["list"].([]any)[0] = "changed"
	out["items"].([]any)[0].(map[string]any)["id"] = "changed"
	out["t1"].(map[string]any)["output"].(map[string]any)["k"] = "changed"
	out["keep"].([]any)[0] = "changed"
	out["keep"].([]any)[1].(map[string]any)["b"] = "changed"
	if !reflect.DeepEqual(doc, pristine) {
		t.Fatalf("context aliased by output")
	}
	if !reflect.DeepEqual(in, inCopy) {
		t.Fatalf("input aliased by output")
	}
}

func TestLookupCalledOncePerRoot(t *testing.T) {
	doc := testCtx(t)
	calls := map[string]int{}
	env := Env{Lookup: func(root string) (any, bool) {
		calls[root]++
		v, ok := doc[root]
		return v, ok
	}}
	ResolveMap(map[string]any{
		"a": "${workflow.input.name}",
		"b": "${workflow.input.items[*].id}",
		"c": "x ${workflow.input.n} ${t1.status} ${t1.output.result.id}",
		"d": "${nope.x} ${nope.y}",
	}, env)
	want := map[string]int{"workflow": 1, "t1": 1, "nope": 1}
	if !reflect.DeepEqual(calls, want) {
		t.Fatalf("Lookup calls = %v, want %v", calls, want)
	}
}

func TestResolveNonJSONContainers(t *testing.T) {
	env := Env{Lookup: func(root string) (any, bool) {
		if root == "w" {
			return map[string]any{
				"strs": []string{"a", "b"},
				"smap": map[string]string{"k": "v"},
				"i":    7,
				"i64":  int64(8),
			}, true
		}
		return nil, false
	}}
	tests := []struct {
		in   string
		want any
	}{
		{"${w.strs[1]}", "b"},
		{"${w.smap.k}", "v"},
		{"${w.i}", 7},
		{"${w.i64}", int64(8)},
		{"${w.strs}!", "[a, b]!"},
		{"${w.smap}!", "{k=v}!"},
		{"${w.i}${w.i64}", "78"},
	}
	for _, tt := range tests {
		if got := Resolve(tt.in, env); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Resolve(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

func TestResolveDeepNesting(t *testing.T) {
	env := testEnv(t)
	deep := strings.Repeat("${", 100) + "workflow.input.name" + strings.Repeat("}", 100)
	if got := Resolve(deep, env); got != nil {
		t.Fatalf("too deep: got %#v", got)
	}
	// Large pathological inputs finish quickly (brace table path).
	big := strings.Repeat("${", 50000)
	if got := Resolve(big, env); got != big {
		t.Fatalf("unterminated big input changed")
	}
	big2 := strings.Repeat("${a}", 5000)
	if got := Resolve(big2, env); got != strings.Repeat("null", 5000) {
		t.Fatalf("big interpolation wrong")
	}
}

func TestResolveConcurrent(t *testing.T) {
	env := testEnv(t)
	in := map[string]any{
		"a": "${workflow.input.items[?(@.x > 1)].id}",
		"b": "id-${workflow.input.name}-${CPEWF_TASK_ID}",
		"c": "${workflow.input.${workflow.input.k}}",
	}
	want := ResolveMap(in, env)
	var wg sync.WaitGroup
	var bad atomic.Int32
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				if !reflect.DeepEqual(ResolveMap(in, env), want) {
					bad.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if bad.Load() != 0 {
		t.Fatalf("%d concurrent mismatches", bad.Load())
	}
}

func TestPlainStringNoAlloc(t *testing.T) {
	env := testEnv(t)
	var v any = "just a plain string with $ and {braces}"
	if n := testing.AllocsPerRun(100, func() { _ = Resolve(v, env) }); n != 0 {
		t.Fatalf("plain string: %v allocs", n)
	}
}

func BenchmarkResolve(b *testing.B) {
	env := testEnv(b)
	in := map[string]any{
		"plain":  "hello",
		"whole":  "${workflow.input.name}",
		"text":   "id-${workflow.input.n}-${t1.output.result.id}",
		"filter": "${workflow.input.items[?(@.x > 1)].id}",
	}
	b.ReportAllocs()
	for b.Loop() {
		ResolveMap(in, env)
	}
}
