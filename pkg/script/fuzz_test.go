package script

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// fuzzLimits keep each fuzzed call short; maxFuzzCall flags a hang (a call
// that overran its timeout by far, in a builtin the watchdog cannot stop).
var fuzzLimits = Limits{Timeout: 100 * time.Millisecond, MaxMemory: 16 << 20}

const maxFuzzCall = 5 * time.Second

// checkFuzzResult checks the invariants of any call: no escaped panic, an
// error only of the package's kinds, and a result that is JSON-like and
// encodable.
func checkFuzzResult(t *testing.T, src string, v any, err error, elapsed time.Duration) {
	t.Helper()
	if elapsed > maxFuzzCall {
		t.Fatalf("%q took %v", src, elapsed)
	}
	if err != nil {
		if !errors.Is(err, ErrScript) && !errors.Is(err, ErrTimeout) && !errors.Is(err, ErrMemory) {
			t.Fatalf("%q: error of no known kind: %v", src, err)
		}
		if strings.Contains(err.Error(), "internal error") {
			t.Fatalf("%q: engine panicked: %v", src, err)
		}
		return
	}
	if err := jsonLike(v, 0); err != nil {
		t.Fatalf("%q: result %#v: %v", src, v, err)
	}
	if _, err := json.Marshal(v); err != nil {
		t.Fatalf("%q: result %#v does not encode: %v", src, v, err)
	}
}

// jsonLike checks that v holds only the types the package promises.
func jsonLike(v any, depth int) error {
	if depth > maxDepth+1 {
		return fmt.Errorf("nested deeper than %d", maxDepth)
	}
	switch t := v.(type) {
	case nil, bool, string, int, int64, float64:
		return nil
	case []any:
		for _, e := range t {
			if err := jsonLike(e, depth+1); err != nil {
				return err
			}
		}
		return nil
	case map[string]any:
		for _, e := range t {
			if err := jsonLike(e, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("unexpected type %T", v)
}

func FuzzJS(f *testing.F) {
	for _, s := range []string{
		"$.a + 1",
		"$.items.map(i => i.id).join()",
		"function e() { return $.n > 3 ? 'big' : 'small' } e();",
		"var o = {}; o.o = o; o",
		"[1, , 3, 1.5, -0, NaN, 1/0, 10n]",
		"({a: undefined, b: function () {}, c: Symbol(), d: new Date(0)})",
		"JSON.parse(JSON.stringify($))",
		"'x'.repeat(1e9)",
		"while (true) {}",
		"throw new Error('boom')",
		"let x = 1; x",
		"Object.keys($).sort().reverse()",
		`[..."abc"].map(c => c.charCodeAt(0))`,
		"new Array(5).fill('y').join('-')",
		"'a-b'.replace(/(a)-(b)/, '$2$1$&')",
		"class A { get v() { return 1 } }; new A().v",
		"async function f() { return 1 } f()",
		"new Proxy({}, {ownKeys: () => ['a'], get: () => 1, getOwnPropertyDescriptor: () => ({value: 1, enumerable: true, configurable: true})})",
		"[1,[2,[3]]].flat(Infinity)",
		"new Map([[1, 2]])",
		"String.fromCharCode(0xD800)",
	} {
		f.Add(s)
	}
	e := newEvaluator(f, fuzzLimits)
	in := testInput()
	f.Fuzz(func(t *testing.T, src string) {
		start := time.Now()
		v, err := e.JS(src, in)
		checkFuzzResult(t, src, v, err, time.Since(start))
		start = time.Now()
		v, err = e.Lambda(src, in)
		checkFuzzResult(t, src, v, err, time.Since(start))
	})
}

func FuzzJQ(f *testing.F) {
	for _, s := range []string{
		".a",
		"[.items[] | .id]",
		".items[] | .id",
		"{s, n: (.n * 2)}",
		`"x" * 1e9`,
		".s *= 3",
		"last(range(1e18))",
		`error("boom")`,
		"1, halt, 2",
		"nan, infinite",
		"9223372036854775807 * 2",
		"[paths]",
		"to_entries | from_entries",
		"[.[] | tostring] | join(\",\")",
		"def f: if . > 0 then . - 1 | f else . end; 10 | f",
		`"\(.a) and \(.s)"`,
		"reduce range(5) as $i ([]; . + [$i])",
		"[limit(3; repeat(1))]",
		"@base64 \"\\(.s)\" | @base64d",
		"getpath([\"obj\",\"b\",0])",
		"input",
		"$__loc__",
	} {
		f.Add(s)
	}
	e := newEvaluator(f, fuzzLimits)
	in := testInput()
	f.Fuzz(func(t *testing.T, src string) {
		start := time.Now()
		r, err := e.JQ(src, in)
		checkFuzzResult(t, src, r, err, time.Since(start))
		if err == nil && r == nil {
			t.Fatalf("%q: nil results without error", src)
		}
	})
}
