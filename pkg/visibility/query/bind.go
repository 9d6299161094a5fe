package query

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/legatohq/legato/pkg/visibility"
)

// Bind checks e against s and returns a copy with every value in its
// canonical form: dates and numbers as decimal integers, booleans as
// true/false. Unknown fields, operators a type does not take, and values
// that do not fit the type are errors wrapping visibility.ErrInvalidQuery;
// an unknown field's error lists the valid ones. ToSQL and ToES take only
// a bound Expr.
func Bind(e Expr, s *Schema) (Expr, error) {
	switch e := e.(type) {
	case nil:
		return nil, nil
	case *Logical:
		l, err := Bind(e.Left, s)
		if err != nil {
			return nil, err
		}
		r, err := Bind(e.Right, s)
		if err != nil {
			return nil, err
		}
		return &Logical{Op: e.Op, Left: l, Right: r}, nil
	case *Cond:
		return bindCond(e, s)
	}
	panic(fmt.Sprintf("query: unknown Expr %T", e))
}

func bindCond(c *Cond, s *Schema) (*Cond, error) {
	f, ok := s.Field(c.Field)
	if !ok {
		return nil, fmt.Errorf("%w: unknown field %q; valid fields: %s",
			visibility.ErrInvalidQuery, c.Field, s.validNames(func(Field) bool { return true }))
	}
	if !takes(f.Type, c.Op) {
		return nil, fmt.Errorf("%w: %s %s: the operator does not apply to a field of type %s",
			visibility.ErrInvalidQuery, c.Field, c.Op, f.Type)
	}
	out := &Cond{Field: c.Field, Op: c.Op, Values: make([]string, len(c.Values))}
	for i, v := range c.Values {
		cv, err := canonical(f.Type, v)
		if err != nil {
			return nil, fmt.Errorf("%w: %s %s %q: %v", visibility.ErrInvalidQuery, c.Field, c.Op, v, err)
		}
		out.Values[i] = cv
	}
	return out, nil
}

// takes says which operators apply to a type. Text takes only what a
// phrase match can answer; STARTS_WITH is a keyword prefix.
func takes(t Type, op Op) bool {
	switch t {
	case Text:
		return op == Eq || op == Ne || op == IsNull || op == IsNotNull
	case Bool:
		return op == Eq || op == Ne || op == IsNull || op == IsNotNull
	case Keyword:
		return true
	default:
		return op != StartsWith
	}
}

func canonical(t Type, v string) (string, error) {
	switch t {
	case Date:
		ms, err := ParseDate(v)
		if err != nil {
			return "", err
		}
		return strconv.FormatInt(ms, 10), nil
	case Long, Int:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || (t == Int && (n < math.MinInt32 || n > math.MaxInt32)) {
			return "", fmt.Errorf("not a valid %s", t)
		}
		return strconv.FormatInt(n, 10), nil
	case Bool:
		b, err := strconv.ParseBool(strings.ToLower(v))
		if err != nil {
			return "", fmt.Errorf("not a valid bool")
		}
		return strconv.FormatBool(b), nil
	}
	return v, nil
}

// dateLayouts are the ISO 8601 forms a date value may take; a zone-less
// one is UTC.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02",
}

// ParseDate reads epoch ms or ISO 8601, as query values and the
// analytics API's from and to take them.
func ParseDate(v string) (int64, error) {
	if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
		return ms, nil
	}
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UnixMilli(), nil
		}
	}
	return 0, fmt.Errorf("not a date (epoch ms or ISO 8601)")
}

func (t Type) String() string {
	switch t {
	case Keyword:
		return "keyword"
	case Text:
		return "text"
	case Date:
		return "date"
	case Long:
		return "long"
	case Int:
		return "int"
	case Bool:
		return "bool"
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

// number is a bound numeric or date value; Bind has checked it.
func number(v string) int64 {
	n, _ := strconv.ParseInt(v, 10, 64)
	return n
}
