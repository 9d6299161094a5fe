package script

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

func testInput() map[string]any {
	return map[string]any{
		"a":     1.0,
		"n":     int64(5),
		"s":     "x",
		"flag":  true,
		"none":  nil,
		"obj":   map[string]any{"b": []any{1.0, "two", nil, true}},
		"items": []any{map[string]any{"id": "i1", "amount": 50}, map[string]any{"id": "i2", "amount": 150}},
	}
}

func TestJS(t *testing.T) {
	e := newEvaluator(t, Limits{})
	for _, tc := range []struct {
		name, script string
		want         any
		err          error
		msg          string
	}{
		{name: "last expression", script: "1; 2; 'three'", want: "three"},
		{name: "dollar", script: "$.a + 1", want: int64(2)},
		{name: "dollar string", script: "$.s + 'y'", want: "xy"},
		{name: "dollar nested", script: "$.obj.b[1]", want: "two"},
		{name: "dollar null", script: "$.none === null", want: true},
		{name: "dollar missing", script: "$.missing", want: nil},
		{name: "switch", script: "$.a > 0 ? 'pos' : 'neg'", want: "pos"},
		{name: "conductor function", script: "function e() { if ($.flag) return $.n * 2; return 0 } e();", want: int64(10)},
		{name: "map ids", script: "$.items.filter(function(i) { return i.amount > 100 }).map(i => i.id)", want: []any{"i2"}},
		{name: "object", script: "({x: $.obj.b, y: {z: 1.5, w: 'v'}})", want: map[string]any{
			"x": []any{int64(1), "two", nil, true},
			"y": map[string]any{"z": 1.5, "w": "v"},
		}},
		{name: "array", script: "[1, 'a', null, true, [2, []], {}]", want: []any{int64(1), "a", nil, true, []any{int64(2), []any{}}, map[string]any{}}},
		{name: "integral float", script: "1.0", want: int64(1)},
		{name: "integral division", script: "10 / 5", want: int64(2)},
		{name: "fraction", script: "2.5", want: 2.5},
		{name: "division", script: "10 / 4", want: 2.5},
		{name: "negative", script: "-7", want: int64(-7)},
		{name: "2^53", script: "Math.pow(2, 53)", want: int64(1 << 53)},
		{name: "beyond int64", script: "1e300", want: 1e300},
		{name: "NaN", script: "0 / 0", want: "NaN"},
		{name: "Infinity", script: "1 / 0", want: "Infinity"},
		{name: "-Infinity", script: "-1 / 0", want: "-Infinity"},
		{name: "bigint", script: "10n ** 3n", want: int64(1000)},
		{name: "huge bigint", script: "2n ** 64n", want: "18446744073709551616"},
		{name: "undefined", script: "undefined", want: nil},
		{name: "var statement", script: "var x = 1;", want: nil},
		{name: "empty", script: "", want: nil},
		{name: "null", script: "null", want: nil},
		{name: "function value", script: "(function () {})", want: nil},
		{name: "symbol", script: "Symbol('s')", want: nil},
		{name: "undefined property", script: "({a: undefined, f: function () {}})", want: map[string]any{"a": nil, "f": nil}},
		{name: "holes", script: "[1, , 3]", want: []any{int64(1), nil, int64(3)}},
		{name: "date", script: "new Date(0)", want: "1970-01-01T00:00:00.000Z"},
		{name: "invalid date", script: "new Date(NaN)", want: nil},
		{name: "boxed", script: "[new Number(3), new String('s'), new Boolean(false)]", want: []any{int64(3), "s", false}},
		{name: "non-enumerable hidden", script: "var o = {a: 1}; Object.defineProperty(o, 'h', {value: 2}); o", want: map[string]any{"a": int64(1)}},
		{name: "inherited", script: "$.toString === Object.prototype.toString", want: true},
		{name: "keys sorted", script: "Object.keys($).join()", want: "a,flag,items,n,none,obj,s"},
		{name: "stringify", script: "JSON.stringify($.obj)", want: `{"b":[1,"two",null,true]}`},
		{name: "parse", script: "JSON.parse('{\"k\": [1, 2.5]}')", want: map[string]any{"k": []any{int64(1), 2.5}}},
		{name: "join", script: "[1, [2, [3, null]], undefined, 'x'].join('-')", want: "1-2,3,--x"},
		{name: "cyclic join", script: "var a = [1, 2]; a.push(a); String(a)", want: "1,2,"},
		{name: "join this object", script: "Array.prototype.join.call({length: 2, 0: 'a', 1: 'b'}, '+')", want: "a+b"},
		{name: "unicode", script: "'héllo ✓ 😀'.toUpperCase()", want: "HÉLLO ✓ 😀"},
		{name: "repeat ok", script: "'ab'.repeat(3)", want: "ababab"},
		{name: "pad ok", script: "'7'.padStart(3, '0')", want: "007"},
		{name: "replace ok", script: "'a-b-c'.replaceAll('-', '+').replace(/a/, '$&$&')", want: "aa+b+c"},
		{name: "fill ok", script: "new Array(3).fill(0)", want: []any{int64(0), int64(0), int64(0)}},
		{name: "guard converts once", script: "var c = 0; 'ab'.repeat({valueOf() { c++; return 2 }}) + c", want: "abab1"},
		{name: "guard this object", script: "String.prototype.padEnd.call({toString() { return 'ab' }}, 4, '-')", want: "ab--"},
		{name: "parse object", script: "JSON.parse({toString() { return '[1]' }})", want: []any{int64(1)}},
		{name: "fill range", script: "[1, 2, 3, 4].fill(0, {valueOf() { return 1 }}, -1)", want: []any{int64(1), int64(0), int64(0), int64(4)}},
		{name: "console", script: "console.log('x', $); console.error('y'); 7", want: int64(7)},
		{name: "let", script: "let x = 2; const y = 3; x * y", want: int64(6)},
		{name: "caught", script: "try { throw new Error('x') } catch (e) { 'caught ' + e.message }", want: "caught x"},
		{name: "syntax error", script: "1 +", err: ErrScript, msg: "SyntaxError"},
		{name: "syntax error position", script: "var x = ;", err: ErrScript, msg: "Line 1:9"},
		{name: "throw", script: "throw new Error('boom')", err: ErrScript, msg: "Error: boom (at line 1, column"},
		{name: "throw string", script: "throw 'plain'", err: ErrScript, msg: "plain"},
		{name: "reference error", script: "nope + 1", err: ErrScript, msg: "ReferenceError: nope is not defined"},
		{name: "type error", script: "$.missing.x", err: ErrScript, msg: "TypeError"},
		{name: "stack overflow", script: "function f() { return f() } f()", err: ErrScript, msg: "Maximum call stack size exceeded"},
		{name: "cyclic result", script: "var o = {}; o.self = o; o", err: ErrScript, msg: "cyclic"},
		{name: "getter throws", script: "({get a() { throw new Error('in getter') }})", err: ErrScript, msg: "in getter"},
		{name: "deep join", script: "var o = []; for (var i = 0; i < 5000; i++) o = [o]; String(o)", err: ErrScript, msg: "Maximum call stack size exceeded"},
		{name: "deep stringify", script: "var o = {}; for (var i = 0; i < 20000; i++) o = {a: o}; JSON.stringify(o)", err: ErrScript, msg: "Maximum call stack size exceeded"},
		{name: "deep parse", script: "JSON.parse('['.repeat(20000) + ']'.repeat(20000))", err: ErrScript, msg: "nesting deeper than"},
		{name: "deep result", script: "var o = []; for (var i = 0; i < 20000; i++) o = [o]; o", err: ErrScript, msg: "nested deeper than"},
		{name: "nested source", script: strings.Repeat("(", 2000) + "1" + strings.Repeat(")", 2000), err: ErrScript, msg: "nested deeper than"},
		{name: "long source", script: "1;" + strings.Repeat(" ", maxSourceBytes), err: ErrScript, msg: "longer than"},
		{name: "brackets in strings", script: "'" + strings.Repeat("(", 2000) + "'.length", want: int64(2000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := e.JS(tc.script, testInput())
			checkErr(t, err, tc.err, tc.msg)
			if tc.err == nil && !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("JS(%q) = %#v, want %#v", tc.script, got, tc.want)
			}
		})
	}
}

func TestJSNegativeZero(t *testing.T) {
	got, err := newEvaluator(t, Limits{}).JS("-0", nil)
	if f, ok := got.(float64); err != nil || !ok || f != 0 || !math.Signbit(f) {
		t.Fatalf("JS(-0) = %#v, %v; want float64 -0 (as GraalJS)", got, err)
	}
}

func TestLambda(t *testing.T) {
	e := newEvaluator(t, Limits{})
	for _, tc := range []struct {
		name, body string
		want       any
		err        error
		msg        string
	}{
		{name: "return", body: "return $.a + 1", want: int64(2)},
		{name: "object", body: "var r = {}; r.sum = $.n + $.a; return r", want: map[string]any{"sum": int64(6)}},
		{name: "no return", body: "var x = 1", want: nil},
		{name: "trailing comment", body: "return 3 // done", want: int64(3)},
		{name: "error", body: "return $.missing.x", err: ErrScript, msg: "TypeError"},
		{name: "error line", body: "var a = 1;\nthrow new Error('second')", err: ErrScript, msg: "second (at line 2"},
		{name: "syntax error", body: "return )", err: ErrScript, msg: "SyntaxError"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := e.Lambda(tc.body, testInput())
			checkErr(t, err, tc.err, tc.msg)
			if tc.err == nil && !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Lambda(%q) = %#v, want %#v", tc.body, got, tc.want)
			}
		})
	}
}

func TestJSInputNotMutated(t *testing.T) {
	e := newEvaluator(t, Limits{})
	in := testInput()
	want := testInput()
	got, err := e.JS(`
		$.x = 1;
		delete $.a;
		$.obj.b.push(5);
		$.obj.b[0] = 'changed';
		$.items[0].id = 'changed';
		$`, in)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, want) {
		t.Fatalf("input mutated: %#v", in)
	}
	if m := got.(map[string]any); m["x"] != int64(1) || m["a"] != nil {
		t.Fatalf("result = %#v", got)
	}
}

func TestJSProtoKey(t *testing.T) {
	got, err := newEvaluator(t, Limits{}).JS("[Object.keys($), $.x, $.__proto__.x]", map[string]any{
		"__proto__": map[string]any{"x": 1},
	})
	want := []any{[]any{"__proto__"}, nil, int64(1)}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v, %v; want %#v (an own property, not the prototype)", got, err, want)
	}
}

func TestJSInputTypes(t *testing.T) {
	type point struct{ X, Y int }
	e := newEvaluator(t, Limits{})
	got, err := e.JS("[$.i, $.u, $.f32, $.big, $.num, $.strs, $.pt, typeof $.i]", map[string]any{
		"i": 7, "u": uint64(8), "f32": float32(0.5), "big": uint64(math.MaxUint64),
		"num": json.Number("12"), "strs": []string{"a", "b"}, "pt": point{1, 2},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []any{int64(7), int64(8), 0.5, 1.8446744073709552e19, int64(12), []any{"a", "b"}, map[string]any{"X": int64(1), "Y": int64(2)}, "number"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v, want %#v", got, want)
	}
	if _, err := e.JS("1", map[string]any{"c": make(chan int)}); !errors.Is(err, ErrScript) {
		t.Fatalf("unsupported input: err = %v", err)
	}
}

// TestJSIsolation checks that nothing one evaluation does is seen by the
// next.
func TestJSIsolation(t *testing.T) {
	e := newEvaluator(t, Limits{})
	polluter := `
		var leaked = 1; globalThis.g = 2; implicit = 3;
		Array.prototype.bad = 4; Object.prototype.evil = 5; Math.max = null;
		String.prototype.repeat = function () { return 'hijacked' };
		let lexical = 6;
		1`
	for range 2 {
		if _, err := e.JS(polluter, nil); err != nil {
			t.Fatal(err) // the second run would fail on let if state leaked
		}
	}
	got, err := e.JS(`[typeof leaked, typeof g, typeof implicit, typeof [].bad,
		typeof ({}).evil, Math.max(1, 2), 'a'.repeat(2), typeof lexical]`, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []any{"undefined", "undefined", "undefined", "undefined", "undefined", int64(2), "aa", "undefined"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("state leaked: %#v", got)
	}
}

// TestJSListGet: list.get(i), the java.util.List method Conductor scripts
// call on input lists, reads an array element; other indexes throw, and
// the shim does not show in exported arrays or in for-in.
func TestJSListGet(t *testing.T) {
	e := newEvaluator(t, Limits{})
	in := map[string]any{"list": []any{1, map[string]any{"n": 2}}, "i": 2}
	for script, want := range map[string]any{
		"function getElement() { return $.list.get($.i - 1); } getElement();": map[string]any{"n": int64(2)},
		"$.list.get(0)": int64(1),
		"[7, 8].get(1)": int64(8),
		"var keys = []; for (var k in $.list) keys.push(k); keys": []any{"0", "1"},
		"$.list": []any{int64(1), map[string]any{"n": int64(2)}},
	} {
		got, err := e.JS(script, in)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, %v; want %#v", script, got, err, want)
		}
	}
	for _, script := range []string{"$.list.get(2)", "$.list.get(-1)", "$.list.get(0.5)"} {
		if _, err := e.JS(script, in); err == nil || !strings.Contains(err.Error(), "out of bounds for length 2") {
			t.Errorf("%s: error %v, want out of bounds", script, err)
		}
	}
}
