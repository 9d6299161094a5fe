package script

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/dop251/goja"
)

// Guards for the builtins that can build a huge value, or recurse deeply, in
// one native call. goja checks for an interrupt only between JavaScript
// instructions, so the watchdog cannot stop 'x'.repeat(1e9): it would
// allocate and fill a gigabyte first. Each guard computes (an upper bound
// of) the size of the result before calling the original builtin, or does
// the work itself while counting. Over the limit it aborts: it interrupts
// the runtime with an error wrapping ErrMemory (or ErrScript for nesting)
// and returns undefined; the evaluation then stops at the next
// instruction, uncatchably, like a watchdog trip.
//
// The set is pragmatic, not complete; see the package documentation.
type guard struct {
	vm *goja.Runtime
	// maxUnits bounds the UTF-16 length of a built string, maxElems the
	// length of an array filled in one call.
	maxUnits, maxElems int64
	// aborted is set by abort, from the watchdog's goroutine too, after
	// abortErr; loops in Go check it, since goja's Interrupt only stops
	// JavaScript.
	aborted  atomic.Bool
	abortErr atomic.Pointer[error]

	// Used only on the runtime's goroutine.
	nesting int                       // guarded builtins on the Go stack
	joining map[*goja.Object]struct{} // arrays being joined, for cycles
	comma   goja.String
	empty   goja.String
}

func installGuards(vm *goja.Runtime, l Limits) (*guard, error) {
	g := &guard{
		vm:       vm,
		maxUnits: l.MaxMemory / 2,
		maxElems: l.MaxMemory / 16,
		comma:    vm.ToValue(",").(goja.String),
		empty:    vm.ToValue("").(goja.String),
	}
	str := vm.Get("String").ToObject(vm).Get("prototype").ToObject(vm)
	arr := vm.Get("Array").ToObject(vm).Get("prototype").ToObject(vm)
	json := vm.Get("JSON").ToObject(vm)
	for _, w := range []struct {
		obj  *goja.Object
		name string
		wrap func(orig func(goja.FunctionCall) goja.Value) func(goja.FunctionCall) goja.Value
	}{
		{str, "repeat", g.repeat},
		{str, "padStart", g.pad},
		{str, "padEnd", g.pad},
		{str, "replace", g.replace(false)},
		{str, "replaceAll", g.replace(true)},
		{arr, "join", g.join},
		{arr, "toLocaleString", g.toLocaleString},
		{arr, "fill", g.fill},
		{json, "parse", g.jsonParse},
		{json, "stringify", g.jsonStringify},
	} {
		orig, ok := w.obj.Get(w.name).Export().(func(goja.FunctionCall) goja.Value)
		if !ok {
			return nil, fmt.Errorf("%w: builtin %s is not native", ErrScript, w.name)
		}
		// Set keeps the attributes of the existing (writable,
		// non-enumerable) property.
		if err := w.obj.Set(w.name, w.wrap(orig)); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// abort stops the evaluation with err. It is safe from any goroutine.
func (g *guard) abort(err error) {
	if g.abortErr.CompareAndSwap(nil, &err) { // the first reason wins
		g.aborted.Store(true)
		g.vm.Interrupt(err)
	}
}

// interrupted returns the error the evaluation was aborted with, if any.
func (g *guard) interrupted() error {
	if !g.aborted.Load() {
		return nil
	}
	return *g.abortErr.Load()
}

func (g *guard) trip(what string, n, limit int64) goja.Value {
	g.abort(fmt.Errorf("%w: %s would build %d elements (limit %d)", ErrMemory, what, n, limit))
	return goja.Undefined()
}

// coerced returns call with This converted to a primitive string and the
// listed arguments (those present) to numbers, so that the original
// builtin sees exactly the values the guard measured and a toString or
// valueOf runs once, not once for the guard and again for the builtin.
// This stays as it is when undefined or null: the builtin throws.
func (g *guard) coerced(call goja.FunctionCall, numArgs ...int) (goja.FunctionCall, goja.String) {
	var this goja.String
	if !goja.IsUndefined(call.This) && !goja.IsNull(call.This) {
		this = g.toStr(call.This)
		call.This = this
	}
	if len(numArgs) > 0 {
		args := append([]goja.Value(nil), call.Arguments...)
		for _, i := range numArgs {
			if i < len(args) {
				args[i] = args[i].ToNumber()
			}
		}
		call.Arguments = args
	}
	return call, this
}

// satMul multiplies non-negative a and b, saturating at MaxInt64.
func satMul(a, b int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	if a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}

func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// toCount converts a JavaScript count argument to a non-negative int64 the
// way ToIntegerOrInfinity does, saturating.
func toCount(v goja.Value) int64 {
	f := v.ToFloat()
	switch {
	case math.IsNaN(f) || f <= 0:
		return 0
	case f >= math.MaxInt64:
		return math.MaxInt64
	}
	return int64(f)
}

func (g *guard) repeat(orig func(goja.FunctionCall) goja.Value) func(goja.FunctionCall) goja.Value {
	return func(call goja.FunctionCall) goja.Value {
		call, this := g.coerced(call, 0)
		if this != nil {
			if total := satMul(int64(this.Length()), toCount(call.Argument(0))); total > g.maxUnits {
				return g.trip("String.prototype.repeat", total, g.maxUnits)
			}
		}
		return orig(call)
	}
}

func (g *guard) pad(orig func(goja.FunctionCall) goja.Value) func(goja.FunctionCall) goja.Value {
	return func(call goja.FunctionCall) goja.Value {
		call, _ = g.coerced(call, 0)
		if n := toCount(call.Argument(0)); n > g.maxUnits {
			return g.trip("String.prototype.padStart/padEnd", n, g.maxUnits)
		}
		return orig(call)
	}
}

// replace bounds the result of replace/replaceAll with a string
// replacement: at most one match for a string pattern with replace or a
// non-global RegExp, else at most len(s)+1. "$&" and "$n" expand to parts
// of disjoint matches (at most len(s) in all per occurrence), "$`" and "$'"
// to up to len(s) per match. A function (or object) replacement is not
// bounded.
func (g *guard) replace(all bool) func(func(goja.FunctionCall) goja.Value) func(goja.FunctionCall) goja.Value {
	return func(orig func(goja.FunctionCall) goja.Value) func(goja.FunctionCall) goja.Value {
		return func(call goja.FunctionCall) goja.Value {
			repl, ok := call.Argument(1).(goja.String)
			if !ok {
				return orig(call)
			}
			call, this := g.coerced(call)
			if this == nil {
				return orig(call)
			}
			n := int64(this.Length())
			matches := satAdd(n, 1)
			switch pat := call.Argument(0).(type) {
			case *goja.Object:
				if pat.ClassName() == "RegExp" && !pat.Get("global").ToBoolean() {
					matches = 1
				}
			default:
				if !all {
					matches = 1
				}
			}
			r := repl.String()
			dollars := int64(strings.Count(r, "$"))
			outer := int64(strings.Count(r, "$`") + strings.Count(r, "$'"))
			perMatch := satAdd(int64(repl.Length()), satMul(outer, n))
			bound := satAdd(satAdd(n, satMul(matches, perMatch)), satMul(dollars, n))
			if bound > g.maxUnits {
				return g.trip("String.prototype.replace", bound, g.maxUnits)
			}
			return orig(call)
		}
	}
}

// join replaces Array.prototype.join (and so Array.prototype.toString,
// which calls it) with the same algorithm in Go: one pass that counts the
// length built so far and stops at the limit, checks for a watchdog trip
// every few thousand elements, returns "" for an array already being joined
// (a cycle, as goja and V8 do) and bounds the nesting of arrays joined
// inside arrays, which goja would follow down the Go stack.
func (g *guard) join(func(goja.FunctionCall) goja.Value) func(goja.FunctionCall) goja.Value {
	return func(call goja.FunctionCall) goja.Value {
		obj := call.This.ToObject(g.vm)
		if _, busy := g.joining[obj]; busy {
			return g.empty
		}
		if !g.enter() {
			return goja.Undefined()
		}
		defer g.leave()
		if g.joining == nil {
			g.joining = make(map[*goja.Object]struct{})
		}
		g.joining[obj] = struct{}{}
		defer delete(g.joining, obj)

		n := toCount(obj.Get("length"))
		if n > g.maxUnits {
			return g.trip("Array.prototype.join", n, g.maxUnits)
		}
		sep := g.comma
		if s := call.Argument(0); !goja.IsUndefined(s) {
			sep = g.toStr(s)
		}
		total := satMul(max(n-1, 0), int64(sep.Length()))
		if total > g.maxUnits {
			return g.trip("Array.prototype.join", total, g.maxUnits)
		}
		var b goja.StringBuilder
		for i := int64(0); i < n; i++ {
			if i&1023 == 1023 && g.aborted.Load() {
				return goja.Undefined()
			}
			if i > 0 {
				b.WriteString(sep) // counted in total up front
			}
			e := obj.Get(strconv.FormatInt(i, 10))
			if e == nil || goja.IsUndefined(e) || goja.IsNull(e) {
				continue
			}
			s := g.toStr(e)
			if total += int64(s.Length()); total > g.maxUnits {
				return g.trip("Array.prototype.join", total, g.maxUnits)
			}
			b.WriteString(s)
		}
		return b.String()
	}
}

// toLocaleString only bounds nesting: it recurses like join.
func (g *guard) toLocaleString(orig func(goja.FunctionCall) goja.Value) func(goja.FunctionCall) goja.Value {
	return func(call goja.FunctionCall) goja.Value {
		if !g.enter() {
			return goja.Undefined()
		}
		defer g.leave()
		return orig(call)
	}
}

// enter counts one more guarded builtin on the Go stack; past
// maxNativeNesting it stops the evaluation as a stack overflow would.
func (g *guard) enter() bool {
	g.nesting++
	if g.nesting > maxNativeNesting {
		g.abort(fmt.Errorf("%w: RangeError: Maximum call stack size exceeded (nested builtins)", ErrScript))
		return false
	}
	return true
}

func (g *guard) leave() { g.nesting-- }

// toStr is ToString(v) as a goja string, running toString for objects.
func (g *guard) toStr(v goja.Value) goja.String {
	sv := v.ToString()
	if s, ok := sv.(goja.String); ok {
		return s
	}
	return g.vm.ToValue(sv.String()).(goja.String) // not expected: ToString yields a string
}

func (g *guard) fill(orig func(goja.FunctionCall) goja.Value) func(goja.FunctionCall) goja.Value {
	return func(call goja.FunctionCall) goja.Value {
		obj, ok := call.This.(*goja.Object)
		if !ok {
			return orig(call)
		}
		n := toCount(obj.Get("length"))
		args := append([]goja.Value(nil), call.Arguments...)
		for i := 1; i < len(args) && i <= 2; i++ {
			if !goja.IsUndefined(args[i]) {
				args[i] = args[i].ToNumber()
			}
		}
		call.Arguments = args
		start := relIndex(call.Argument(1), n, 0)
		end := relIndex(call.Argument(2), n, n)
		if count := end - start; count > g.maxElems {
			return g.trip("Array.prototype.fill", count, g.maxElems)
		}
		return orig(call)
	}
}

// relIndex resolves a relative start/end argument against length n.
func relIndex(v goja.Value, n, def int64) int64 {
	if v == nil || goja.IsUndefined(v) {
		return def
	}
	f := v.ToFloat()
	switch {
	case math.IsNaN(f):
		return 0
	case f < 0:
		return max(0, int64(max(f, -math.MaxInt64/2))+n)
	case f >= float64(n):
		return n
	}
	return int64(f)
}

// jsonParse rejects text nested deeper than maxDepth: goja's parser
// recurses on the Go stack, and a deep enough nest is a fatal overflow.
func (g *guard) jsonParse(orig func(goja.FunctionCall) goja.Value) func(goja.FunctionCall) goja.Value {
	return func(call goja.FunctionCall) goja.Value {
		if len(call.Arguments) > 0 {
			text := g.toStr(call.Arguments[0]) // once; the builtin gets the string
			if jsonDepth(text.String()) > maxDepth {
				panic(g.vm.NewTypeError("JSON.parse: nesting deeper than %d", maxDepth))
			}
			args := append([]goja.Value(nil), call.Arguments...)
			args[0] = text
			call.Arguments = args
		}
		return orig(call)
	}
}

// jsonStringify refuses a value nested deeper than maxDepth before goja
// walks it: goja's stringify recurses on the Go stack and checks for cycles
// in time quadratic in the depth, neither of which an interrupt can stop.
// The pre-walk reads own enumerable properties, so getters and proxy traps
// run once more than JSON.stringify alone would run them.
func (g *guard) jsonStringify(orig func(goja.FunctionCall) goja.Value) func(goja.FunctionCall) goja.Value {
	return func(call goja.FunctionCall) goja.Value {
		if obj, ok := call.Argument(0).(*goja.Object); ok {
			if g.deeperThan(obj, maxDepth, map[*goja.Object]struct{}{}) {
				g.abort(fmt.Errorf("%w: RangeError: Maximum call stack size exceeded (JSON.stringify nested deeper than %d)", ErrScript, maxDepth))
				return goja.Undefined()
			}
		}
		return orig(call)
	}
}

// deeperThan reports whether obj nests objects more than budget levels
// deep. It stops early on a trip, and does not follow cycles (which
// stringify itself rejects).
func (g *guard) deeperThan(obj *goja.Object, budget int, onPath map[*goja.Object]struct{}) bool {
	if budget <= 0 {
		return true
	}
	if _, ok := onPath[obj]; ok || g.aborted.Load() {
		return false
	}
	if _, ok := goja.AssertFunction(obj); ok {
		return false
	}
	onPath[obj] = struct{}{}
	defer delete(onPath, obj)
	child := func(v goja.Value) bool {
		c, ok := v.(*goja.Object)
		return ok && g.deeperThan(c, budget-1, onPath)
	}
	if obj.ClassName() == "Array" {
		n := toCount(obj.Get("length"))
		for i := int64(0); i < n; i++ {
			if i&1023 == 1023 && g.aborted.Load() {
				return false
			}
			if child(obj.Get(strconv.FormatInt(i, 10))) {
				return true
			}
		}
		return false
	}
	for _, k := range obj.Keys() {
		if child(obj.Get(k)) {
			return true
		}
	}
	return false
}

// jsonDepth is the maximum bracket nesting of JSON text, ignoring brackets
// inside strings. It stops counting early once past maxDepth.
func jsonDepth(s string) int {
	depth, deepest, inStr := 0, 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inStr:
			if c == '\\' {
				i++
			} else if c == '"' {
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '[' || c == '{':
			depth++
			if depth > deepest {
				deepest = depth
				if deepest > maxDepth {
					return deepest
				}
			}
		case c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}
