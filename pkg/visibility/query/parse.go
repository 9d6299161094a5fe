package query

import (
	"fmt"
	"strings"

	"github.com/legatohq/legato/pkg/visibility"
)

// SyntaxError is a query Parse cannot read: at byte offset Pos it
// expected Expected and found Found (the rest of the query from there,
// shortened, or "end of query"). It wraps visibility.ErrInvalidQuery.
type SyntaxError struct {
	Pos      int
	Expected string
	Found    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%v: at byte %d: expected %s, found %s", visibility.ErrInvalidQuery, e.Pos, e.Expected, e.Found)
}

func (e *SyntaxError) Unwrap() error { return visibility.ErrInvalidQuery }

func syntaxErr(pos int, expected, rest string) error {
	found := "end of query"
	if rest != "" {
		if len(rest) > 20 {
			rest = rest[:20] + "…"
		}
		found = fmt.Sprintf("%q", rest)
	}
	return &SyntaxError{Pos: pos, Expected: expected, Found: found}
}

// Parse reads a query in Conductor's grammar (see the package doc):
//
//	expr  := term [(AND | OR) expr]
//	term  := '(' expr ')' | field pred
//	pred  := (= | != | > | < | >= | <=) value | [NOT] IN '(' value {',' value} ')'
//	       | IS [NOT] NULL | BETWEEN value AND value | STARTS_WITH value
//	value := "…" | '…' | bare word
//
// A blank query is a nil Expr. The Expr is not checked against a schema:
// that is Bind's job.
func Parse(s string) (Expr, error) {
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := parser{src: s, toks: toks}
	if p.peek().kind == tEOF {
		return nil, nil
	}
	e, err := p.expr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, p.fail(t, "AND, OR or the end of the query")
	}
	return e, nil
}

type parser struct {
	src  string
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) fail(t token, expected string) error {
	return syntaxErr(t.pos, expected, p.src[t.pos:])
}

func (p *parser) keyword(t token, kw string) bool { return t.kind == tWord && t.text == kw }

func (p *parser) expr() (Expr, error) {
	left, err := p.term()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if !p.keyword(t, "AND") && !p.keyword(t, "OR") {
		return left, nil
	}
	p.next()
	right, err := p.expr()
	if err != nil {
		return nil, err
	}
	return &Logical{Op: LogicalOp(t.text), Left: left, Right: right}, nil
}

func (p *parser) term() (Expr, error) {
	t := p.next()
	if t.kind == tLParen {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tRParen {
			return nil, p.fail(c, `")", AND or OR`)
		}
		return e, nil
	}
	if t.kind != tWord || keywords[t.text] {
		return nil, p.fail(t, `a field name or "("`)
	}
	return p.pred(t.text)
}

func (p *parser) pred(field string) (Expr, error) {
	c := &Cond{Field: field}
	t := p.next()
	var err error
	switch {
	case t.kind == tOp:
		c.Op = Op(t.text)
		c.Values, err = p.values(1)
	case p.keyword(t, "IN"):
		c.Op = In
		c.Values, err = p.list()
	case p.keyword(t, "NOT"):
		c.Op = NotIn
		if in := p.next(); !p.keyword(in, "IN") {
			return nil, p.fail(in, "IN after NOT")
		}
		c.Values, err = p.list()
	case p.keyword(t, "IS"):
		c.Op = IsNull
		if p.keyword(p.peek(), "NOT") {
			p.next()
			c.Op = IsNotNull
		}
		// Upstream writes "IS null"; null is read in any case here.
		if n := p.next(); n.kind != tWord || !strings.EqualFold(n.text, "NULL") {
			return nil, p.fail(n, "NULL")
		}
	case p.keyword(t, "BETWEEN"):
		c.Op = Between
		c.Values, err = p.values(1)
		if err == nil {
			if and := p.next(); !p.keyword(and, "AND") {
				return nil, p.fail(and, "AND in BETWEEN")
			}
			var hi []string
			hi, err = p.values(1)
			c.Values = append(c.Values, hi...)
		}
	case p.keyword(t, "STARTS_WITH"):
		c.Op = StartsWith
		c.Values, err = p.values(1)
	default:
		return nil, p.fail(t, "an operator (= != > < >= <= IN, NOT IN, IS, BETWEEN, STARTS_WITH)")
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// values reads n values.
func (p *parser) values(n int) ([]string, error) {
	out := make([]string, 0, n)
	for range n {
		t := p.next()
		if t.kind != tString && (t.kind != tWord || keywords[t.text]) {
			return nil, p.fail(t, "a value (quote values spelled like keywords)")
		}
		out = append(out, t.text)
	}
	return out, nil
}

// list reads '(' value {',' value} ')'.
func (p *parser) list() ([]string, error) {
	if t := p.next(); t.kind != tLParen {
		return nil, p.fail(t, `"(" to open the list`)
	}
	var out []string
	for {
		v, err := p.values(1)
		if err != nil {
			return nil, err
		}
		out = append(out, v[0])
		switch t := p.next(); t.kind {
		case tComma:
		case tRParen:
			return out, nil
		default:
			return nil, p.fail(t, `"," or ")"`)
		}
	}
}
