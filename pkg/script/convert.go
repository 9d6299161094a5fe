package script

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"time"

	"github.com/dop251/goja"
)

// Per-value overheads charged against the result budget (MaxMemory): rough
// sizes of the Go values built, so a result cannot outgrow the limit while
// it is being converted.
const (
	costScalar = 16
	costSlot   = 16 // an interface value in a []any
	costEntry  = 48 // a map entry, key header and value
	costHeader = 64 // a map or slice header and its allocation
)

// toJS converts a JSON-like Go value into a fresh JavaScript value owned by
// vm: plain objects and arrays, never wrappers of the Go value, so the
// script can do anything to $ without touching the caller's input. Object
// keys are added in sorted order: Go maps have none, and a script that
// iterates $ must see the same order on every run.
func toJS(vm *goja.Runtime, v any, depth int) (goja.Value, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: input nested deeper than %d", ErrScript, maxDepth)
	}
	switch t := v.(type) {
	case nil:
		return goja.Null(), nil
	case bool, string, int64, float64:
		return vm.ToValue(t), nil
	case int:
		return vm.ToValue(int64(t)), nil
	case int8:
		return vm.ToValue(int64(t)), nil
	case int16:
		return vm.ToValue(int64(t)), nil
	case int32:
		return vm.ToValue(int64(t)), nil
	case uint:
		return vm.ToValue(uintNumber(uint64(t))), nil
	case uint8:
		return vm.ToValue(int64(t)), nil
	case uint16:
		return vm.ToValue(int64(t)), nil
	case uint32:
		return vm.ToValue(int64(t)), nil
	case uint64:
		return vm.ToValue(uintNumber(t)), nil
	case float32:
		return vm.ToValue(float64(t)), nil
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return vm.ToValue(i), nil
		}
		f, err := t.Float64()
		if err != nil {
			return nil, fmt.Errorf("%w: input number %q: %v", ErrScript, string(t), err)
		}
		return vm.ToValue(f), nil
	case map[string]any:
		if t == nil {
			return goja.Null(), nil
		}
		obj := vm.NewObject()
		for _, k := range sortedKeys(t) {
			e, err := toJS(vm, t[k], depth+1)
			if err != nil {
				return nil, err
			}
			// An own data property even for "__proto__", as JSON.parse
			// would make; Set would change the prototype instead.
			if err := obj.DefineDataProperty(k, e, goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_TRUE); err != nil {
				return nil, fmt.Errorf("%w: input key %q: %v", ErrScript, k, err)
			}
		}
		return obj, nil
	case []any:
		if t == nil {
			return goja.Null(), nil
		}
		items := make([]any, len(t))
		for i, e := range t {
			jv, err := toJS(vm, e, depth+1)
			if err != nil {
				return nil, err
			}
			items[i] = jv
		}
		return vm.NewArray(items...), nil
	}
	nv, err := viaJSON(v)
	if err != nil {
		return nil, err
	}
	return toJS(vm, nv, depth)
}

// viaJSON turns a value of any other type (a struct, map[string]string,
// []string ...) into its JSON-like form by a JSON round trip.
func viaJSON(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%w: unsupported input value of type %T: %v", ErrScript, v, err)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var out any
	if err := d.Decode(&out); err != nil {
		return nil, fmt.Errorf("%w: unsupported input value of type %T: %v", ErrScript, v, err)
	}
	return out, nil
}

func uintNumber(u uint64) any {
	if u <= math.MaxInt64 {
		return int64(u)
	}
	return float64(u)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// exporter converts a JavaScript result into a JSON-like Go value. It runs
// while the watchdog is still armed: getters and proxy traps run script
// code. budget is the bytes the result may still take.
type exporter struct {
	budget int64
	limit  int64
	onPath map[*goja.Object]struct{} // objects being converted, for cycles
	// interrupted, if set, reports a watchdog trip: long loops over
	// holes or keys run no script code, so the interrupt alone would not
	// stop them.
	interrupted func() error
}

func newExporter(limit int64) *exporter {
	return &exporter{budget: limit, limit: limit}
}

// poll checks for a trip every 1024 steps of a loop.
func (x *exporter) poll(i int) error {
	if i&1023 == 1023 && x.interrupted != nil {
		return x.interrupted()
	}
	return nil
}

func (x *exporter) charge(n int64) error {
	x.budget -= n
	if x.budget < 0 {
		return fmt.Errorf("%w: result larger than %d bytes", ErrMemory, x.limit)
	}
	return nil
}

// export follows JSON.stringify's idea of a value, as GraalJS's
// conversion to host values does for Conductor:
//   - undefined, null, functions and symbols become nil;
//   - numbers: see jsNumber; BigInt: int64 if it fits, else its decimal string;
//   - arrays become []any (holes nil), Dates their ISO string, Number,
//     String and Boolean wrappers their primitive, other objects a
//     map[string]any of their own enumerable string-keyed properties.
func (x *exporter) export(v goja.Value, depth int) (any, error) {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil, nil
	}
	if _, ok := v.(*goja.Symbol); ok {
		return nil, x.charge(costScalar)
	}
	if s, ok := v.(goja.String); ok {
		// Check before exporting: a string with non-ASCII text is
		// copied into UTF-8.
		if int64(s.Length()) > x.budget {
			return nil, x.charge(int64(s.Length()))
		}
	}
	obj, ok := v.(*goja.Object)
	if !ok {
		return x.primitive(v.Export())
	}
	if _, ok := goja.AssertFunction(obj); ok {
		return nil, nil
	}
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: result nested deeper than %d", ErrScript, maxDepth)
	}
	if _, ok := x.onPath[obj]; ok {
		return nil, fmt.Errorf("%w: result is cyclic", ErrScript)
	}
	switch obj.ClassName() {
	case "Date":
		t, ok := obj.Export().(time.Time)
		if !ok {
			return nil, nil // an invalid Date, as JSON.stringify gives null
		}
		s := isoString(t)
		return s, x.charge(int64(len(s)) + costScalar)
	case "String":
		return x.primitive(obj.String())
	case "Number", "Boolean", "BigInt":
		return x.primitive(obj.Export())
	}
	if x.onPath == nil {
		x.onPath = make(map[*goja.Object]struct{})
	}
	x.onPath[obj] = struct{}{}
	defer delete(x.onPath, obj)

	if obj.ClassName() == "Array" {
		n := toCount(obj.Get("length"))
		if err := x.charge(costHeader + satMul(n, costSlot)); err != nil {
			return nil, err
		}
		out := make([]any, n)
		for i := range out {
			if err := x.poll(i); err != nil {
				return nil, err
			}
			e, err := x.export(obj.Get(strconv.Itoa(i)), depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	}
	keys := obj.Keys()
	if err := x.charge(costHeader + satMul(int64(len(keys)), costEntry)); err != nil {
		return nil, err
	}
	out := make(map[string]any, len(keys))
	for i, k := range keys {
		if err := x.poll(i); err != nil {
			return nil, err
		}
		if err := x.charge(int64(len(k))); err != nil {
			return nil, err
		}
		e, err := x.export(obj.Get(k), depth+1)
		if err != nil {
			return nil, err
		}
		out[k] = e
	}
	return out, nil
}

func (x *exporter) primitive(v any) (any, error) {
	switch t := v.(type) {
	case nil, bool:
		return t, x.charge(costScalar)
	case string:
		return t, x.charge(int64(len(t)) + costScalar)
	case int64:
		return t, x.charge(costScalar)
	case float64:
		return jsNumber(t), x.charge(costScalar)
	case *big.Int:
		if t.IsInt64() {
			return t.Int64(), x.charge(costScalar)
		}
		s := t.String()
		return s, x.charge(int64(len(s)) + costScalar)
	}
	return nil, x.charge(costScalar)
}

// jsNumber applies GraalJS's host conversion that Conductor relies on: a
// number that fits a long is a long (so 1.0 is 1), other numbers are
// doubles. -0 stays a double like in GraalJS. NaN and the infinities have
// no JSON form; they become the strings Jackson writes for them.
func jsNumber(f float64) any {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case f == math.Trunc(f) && f >= -(1<<63) && f < 1<<63 && !(f == 0 && math.Signbit(f)):
		return int64(f)
	}
	return f
}

// isoString formats t as Date.prototype.toISOString does.
func isoString(t time.Time) string {
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		sign := "+"
		if y < 0 {
			sign, y = "-", -y
		}
		return fmt.Sprintf("%s%06d-%s", sign, y, t.Format("01-02T15:04:05.000Z"))
	}
	return t.Format("2006-01-02T15:04:05.000Z")
}
