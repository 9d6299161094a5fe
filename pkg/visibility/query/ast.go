package query

import "strings"

// Expr is a parsed query: a *Logical or a *Cond. A nil Expr (the empty
// query) matches everything.
type Expr interface {
	// String renders the expression in the grammar Parse reads, so that
	// Parse(e.String()) yields e again.
	String() string
	isExpr()
}

// Logical is a AND b or a OR b.
type Logical struct {
	Op          LogicalOp
	Left, Right Expr
}

// LogicalOp is AND or OR.
type LogicalOp string

// The logical operators.
const (
	And LogicalOp = "AND"
	Or  LogicalOp = "OR"
)

// Cond is one comparison of a field with values: one value for the
// binary operators and STARTS_WITH, two for BETWEEN, one or more for IN
// and NOT IN, none for IS NULL and IS NOT NULL.
type Cond struct {
	Field  string
	Op     Op
	Values []string
}

// Op is a comparison operator.
type Op string

// The comparison operators.
const (
	Eq         Op = "="
	Ne         Op = "!="
	Gt         Op = ">"
	Lt         Op = "<"
	Ge         Op = ">="
	Le         Op = "<="
	In         Op = "IN"
	NotIn      Op = "NOT IN"
	IsNull     Op = "IS NULL"
	IsNotNull  Op = "IS NOT NULL"
	Between    Op = "BETWEEN"
	StartsWith Op = "STARTS_WITH"
)

func (*Logical) isExpr() {}
func (*Cond) isExpr()    {}

// String parenthesizes a Logical operand on the left always (the grammar
// is right-recursive, so a bare one there would re-parse differently) and
// on the right when its operator differs, which re-parses the same but
// spares the reader the no-precedence rule.
func (l *Logical) String() string {
	var b strings.Builder
	if _, ok := l.Left.(*Logical); ok {
		b.WriteString("(" + l.Left.String() + ")")
	} else {
		b.WriteString(l.Left.String())
	}
	b.WriteString(" " + string(l.Op) + " ")
	if r, ok := l.Right.(*Logical); ok && r.Op != l.Op {
		b.WriteString("(" + r.String() + ")")
	} else {
		b.WriteString(l.Right.String())
	}
	return b.String()
}

func (c *Cond) String() string {
	switch c.Op {
	case IsNull, IsNotNull:
		return c.Field + " " + string(c.Op)
	case In, NotIn:
		vs := make([]string, len(c.Values))
		for i, v := range c.Values {
			vs[i] = quote(v)
		}
		return c.Field + " " + string(c.Op) + " (" + strings.Join(vs, ", ") + ")"
	case Between:
		return c.Field + " BETWEEN " + quote(c.Values[0]) + " AND " + quote(c.Values[1])
	case StartsWith:
		return c.Field + " STARTS_WITH " + quote(c.Values[0])
	default:
		return c.Field + " " + string(c.Op) + " " + quote(c.Values[0])
	}
}

// quote writes v bare when the lexer would read it back as the same word,
// and double-quoted with backslash escapes otherwise.
func quote(v string) string {
	bare := v != "" && !keywords[v]
	for i := 0; i < len(v) && bare; i++ {
		bare = isWordByte(v[i])
	}
	if bare {
		return v
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		if v[i] == '"' || v[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(v[i])
	}
	b.WriteByte('"')
	return b.String()
}

// operands flattens a chain of one operator (a AND b AND c parses as
// a AND (b AND c)) into its operands, so the translations emit one bool
// or one parenthesized list rather than a nesting per operator.
func operands(l *Logical) []Expr {
	var out []Expr
	for _, side := range []Expr{l.Left, l.Right} {
		if s, ok := side.(*Logical); ok && s.Op == l.Op {
			out = append(out, operands(s)...)
		} else {
			out = append(out, side)
		}
	}
	return out
}
