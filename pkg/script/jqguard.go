package script

import (
	"fmt"
	"math"
	"reflect"

	"github.com/itchyny/gojq"
)

// jq's only builtin that builds a large value from small operands in one
// native step is string repetition: "x" * 1e9 makes a gigabyte string
// (gojq refuses only 2 GiB and more), and no context check runs inside it.
// Operators compile to gojq's internal functions, which a compiler option
// cannot replace, so compileJQ rewrites the parsed query instead: every
// `a * b` becomes `_legato_multiply(a; b)`, a custom function compiled
// through the same call path (same argument order and cartesian product),
// and every `a *= b` becomes `b as $x | _modify(a; _legato_multiply(.; $x))`,
// which is how gojq compiles it. _legato_multiply refuses a repetition
// longer than MaxMemory/2 bytes and hands everything else to gojq's own `*`.
const (
	jqMulFunc = "_legato_multiply"
	jqMulVar  = "$__legato_multiplier"
)

// jqMul is the implementation of _legato_multiply.
type jqMul struct {
	maxBytes float64
	code     *gojq.Code // $l * $r, with gojq's own multiply
}

func newJQMul(l Limits) (*jqMul, error) {
	q, err := gojq.Parse("$l * $r")
	if err != nil {
		return nil, err
	}
	code, err := gojq.Compile(q, gojq.WithVariables([]string{"$l", "$r"}))
	if err != nil {
		return nil, err
	}
	return &jqMul{maxBytes: float64(l.MaxMemory / 2), code: code}, nil
}

// jqMemoryError is returned inside the jq program (so try can catch it,
// harmlessly: nothing was allocated) and mapped to ErrMemory if uncaught.
type jqMemoryError struct{ n float64 }

func (e *jqMemoryError) Error() string {
	return fmt.Sprintf("string repetition of %.0f bytes is over the limit", e.n)
}

func (m *jqMul) multiply(_ any, args []any) any {
	l, r := args[0], args[1]
	if s, ok := l.(string); ok {
		if n, ok := gojq.ToFloat64(r); ok && n*float64(len(s)) > m.maxBytes {
			return &jqMemoryError{n * float64(len(s))}
		}
	}
	if s, ok := r.(string); ok {
		if n, ok := gojq.ToFloat64(l); ok && n*float64(len(s)) > m.maxBytes {
			return &jqMemoryError{n * float64(len(s))}
		}
	}
	// Numbers: gojq's arithmetic, done here for the common cases.
	switch l := l.(type) {
	case int:
		switch r := r.(type) {
		case int:
			if l >= math.MinInt32 && l <= math.MaxInt32 && r >= math.MinInt32 && r <= math.MaxInt32 {
				return l * r // cannot overflow
			}
		case float64:
			return float64(l) * r
		}
	case float64:
		switch r := r.(type) {
		case int:
			return l * float64(r)
		case float64:
			return l * r
		}
	}
	v, ok := m.code.Run(nil, l, r).Next()
	if !ok {
		return nil
	}
	return v
}

var jqQueryType = reflect.TypeFor[gojq.Query]()

// guardMultiply rewrites every multiplication in the query tree rooted at
// v, children first.
func guardMultiply(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		guardMultiply(v.Elem())
		if v.Type().Elem() == jqQueryType {
			rewriteMultiply(v.Interface().(*gojq.Query))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				guardMultiply(v.Field(i))
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			guardMultiply(v.Index(i))
		}
	}
}

func rewriteMultiply(q *gojq.Query) {
	switch q.Op {
	case gojq.OpMul:
		q.Term = callTerm(jqMulFunc, q.Left, q.Right)
		q.Left, q.Right, q.Op = nil, nil, 0
	case gojq.OpUpdateMul:
		l, r := q.Left, q.Right
		q.Op = gojq.OpPipe
		q.Left = r
		q.Patterns = []*gojq.Pattern{{Name: jqMulVar}}
		q.Right = &gojq.Query{Term: callTerm("_modify", l, &gojq.Query{
			Term: callTerm(jqMulFunc,
				&gojq.Query{Term: &gojq.Term{Type: gojq.TermTypeIdentity}},
				&gojq.Query{Term: callTerm(jqMulVar)},
			),
		})}
	}
}

func callTerm(name string, args ...*gojq.Query) *gojq.Term {
	return &gojq.Term{Type: gojq.TermTypeFunc, Func: &gojq.Func{Name: name, Args: args}}
}
