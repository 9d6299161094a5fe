package script

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strconv"

	"github.com/itchyny/gojq"
)

// JQ runs a jq query (JSON_JQ_TRANSFORM queryExpression) on input and
// returns all its results in order; an empty slice if it yields none. A
// query that calls halt stops with the results so far.
//
// Results are deep copies in gojq's own types: map[string]any, []any, int,
// float64, string, bool, nil. A number too big for an int, which gojq keeps
// as *big.Int, becomes float64; NaN becomes nil and the infinities
// ±math.MaxFloat64, as jq prints them.
//
// Errors wrap ErrScript (parse or compile error, a jq error such as
// `error("x")` or `null | keys`), ErrTimeout or ErrMemory.
func (e *Evaluator) JQ(query string, input map[string]any) ([]any, error) {
	code, err := e.queries.get(query, e.compileJQ)
	if err != nil {
		return nil, err
	}
	in, err := toJQ(input, 0)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	w := startWatchdog(e.limits, cancel)
	out, err := runJQ(ctx, code, in, e.limits.MaxMemory)
	w.stop()
	return out, err
}

// compileJQ parses and compiles a query, with multiplication guarded (see
// jqMul). The environment is not given to gojq, so $ENV and env are empty,
// and with no module loader or input iterator, import, include, input and
// inputs fail: a query sees only its input.
func (e *Evaluator) compileJQ(src string) (*gojq.Code, error) {
	if err := checkQuery(src); err != nil {
		return nil, err
	}
	q, err := gojq.Parse(src)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrScript, err.Error())
	}
	guardMultiply(reflect.ValueOf(q))
	code, err := gojq.Compile(q, gojq.WithFunction(jqMulFunc, 2, 2, e.mul.multiply))
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrScript, err.Error())
	}
	return code, nil
}

func runJQ(ctx context.Context, code *gojq.Code, in any, limit int64) (out []any, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("%w: internal error: %v", ErrScript, r)
		}
	}()
	x := newExporter(limit)
	out = []any{}
	iter := code.RunWithContext(ctx, in)
	for {
		v, ok := iter.Next()
		if !ok {
			return out, nil
		}
		if jqErr, ok := v.(error); ok {
			if ctx.Err() != nil {
				return nil, context.Cause(ctx)
			}
			var halt *gojq.HaltError
			if errors.As(jqErr, &halt) && halt.Value() == nil {
				return out, nil
			}
			var mem *jqMemoryError
			if errors.As(jqErr, &mem) {
				return nil, fmt.Errorf("%w: %s", ErrMemory, mem.Error())
			}
			return nil, fmt.Errorf("%w: %s", ErrScript, jqErr.Error())
		}
		if err := x.charge(costSlot); err != nil {
			return nil, err
		}
		c, err := x.fromJQ(v, 0)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
}

// toJQ copies a JSON-like Go value into the types gojq accepts: int (for
// every Go integer type and json.Number integers that fit), *big.Int (for
// those that do not), float64, string, bool, nil, []any and map[string]any.
// The copy keeps the query from ever aliasing the caller's input.
func toJQ(v any, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: input nested deeper than %d", ErrScript, maxDepth)
	}
	switch t := v.(type) {
	case nil, bool, string, int, float64:
		return t, nil
	case int8:
		return int(t), nil
	case int16:
		return int(t), nil
	case int32:
		return int(t), nil
	case int64:
		if int64(int(t)) == t {
			return int(t), nil
		}
		return big.NewInt(t), nil
	case uint:
		return jqUint(uint64(t)), nil
	case uint8:
		return int(t), nil
	case uint16:
		return int(t), nil
	case uint32:
		return jqUint(uint64(t)), nil
	case uint64:
		return jqUint(t), nil
	case float32:
		return float64(t), nil
	case json.Number:
		if i, err := strconv.ParseInt(string(t), 10, strconv.IntSize); err == nil {
			return int(i), nil
		}
		if b, ok := new(big.Int).SetString(string(t), 10); ok {
			return b, nil
		}
		f, err := t.Float64()
		if err != nil {
			return nil, fmt.Errorf("%w: input number %q: %v", ErrScript, string(t), err)
		}
		return f, nil
	case map[string]any:
		if t == nil {
			return nil, nil
		}
		m := make(map[string]any, len(t))
		for k, e := range t {
			c, err := toJQ(e, depth+1)
			if err != nil {
				return nil, err
			}
			m[k] = c
		}
		return m, nil
	case []any:
		if t == nil {
			return nil, nil
		}
		l := make([]any, len(t))
		for i, e := range t {
			c, err := toJQ(e, depth+1)
			if err != nil {
				return nil, err
			}
			l[i] = c
		}
		return l, nil
	}
	nv, err := viaJSON(v)
	if err != nil {
		return nil, err
	}
	return toJQ(nv, depth)
}

func jqUint(u uint64) any {
	if u <= math.MaxInt {
		return int(u)
	}
	return new(big.Int).SetUint64(u)
}

// fromJQ deep-copies a gojq result: results can share structure with the
// compiled query's constants, which other calls use concurrently, so the
// caller must never get them to mutate. The copy is charged to the budget
// before each container is allocated.
func (x *exporter) fromJQ(v any, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: result nested deeper than %d", ErrScript, maxDepth)
	}
	switch t := v.(type) {
	case nil, bool, int:
		return t, x.charge(costScalar)
	case float64:
		return jqFloat(t), x.charge(costScalar)
	case string:
		return t, x.charge(int64(len(t)) + costScalar)
	case *big.Int:
		f, _ := new(big.Float).SetInt(t).Float64()
		return jqFloat(f), x.charge(costScalar)
	case json.Number:
		if i, err := strconv.ParseInt(string(t), 10, strconv.IntSize); err == nil {
			return int(i), x.charge(costScalar)
		}
		f, _ := t.Float64()
		return jqFloat(f), x.charge(costScalar)
	case []any:
		if err := x.charge(costHeader + satMul(int64(len(t)), costSlot)); err != nil {
			return nil, err
		}
		l := make([]any, len(t))
		for i, e := range t {
			c, err := x.fromJQ(e, depth+1)
			if err != nil {
				return nil, err
			}
			l[i] = c
		}
		return l, nil
	case map[string]any:
		if err := x.charge(costHeader + satMul(int64(len(t)), costEntry)); err != nil {
			return nil, err
		}
		m := make(map[string]any, len(t))
		for k, e := range t {
			if err := x.charge(int64(len(k))); err != nil {
				return nil, err
			}
			c, err := x.fromJQ(e, depth+1)
			if err != nil {
				return nil, err
			}
			m[k] = c
		}
		return m, nil
	}
	return nil, fmt.Errorf("%w: unexpected jq result of type %T", ErrScript, v)
}

// jqFloat maps the floats JSON cannot hold the way jq prints them: NaN as
// null, the infinities as ±DBL_MAX.
func jqFloat(f float64) any {
	switch {
	case math.IsNaN(f):
		return nil
	case math.IsInf(f, 1):
		return math.MaxFloat64
	case math.IsInf(f, -1):
		return -math.MaxFloat64
	}
	return f
}
