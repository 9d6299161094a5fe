package query

import (
	"fmt"
	"strings"
)

// ToSQL renders a bound Expr as a SQLite WHERE condition over s's
// columns, with ? placeholders and their arguments; a nil Expr is "".
// LIKE patterns use \ as their escape character, and SQLite's LIKE is
// case-insensitive for ASCII, which is what wildcards and STARTS_WITH
// promise (see the package doc).
func ToSQL(e Expr, s *Schema) (where string, args []any) {
	if e == nil {
		return "", nil
	}
	w := sqlWriter{s: s}
	w.expr(e)
	return w.b.String(), w.args
}

// OrderBy renders sort keys as an ORDER BY list. Missing values sort
// last in both directions, as Elasticsearch's default.
func OrderBy(keys []SortKey, s *Schema) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		f, _ := s.Field(k.Field)
		parts[i] = f.Column + " " + strings.ToUpper(k.order()) + " NULLS LAST"
	}
	return strings.Join(parts, ", ")
}

type sqlWriter struct {
	s    *Schema
	b    strings.Builder
	args []any
}

func (w *sqlWriter) expr(e Expr) {
	switch e := e.(type) {
	case *Logical:
		w.b.WriteByte('(')
		for i, op := range operands(e) {
			if i > 0 {
				w.b.WriteString(" " + string(e.Op) + " ")
			}
			w.expr(op)
		}
		w.b.WriteByte(')')
	case *Cond:
		w.cond(e)
	}
}

func (w *sqlWriter) printf(format string, args ...any) { fmt.Fprintf(&w.b, format, args...) }

// arg adds one bound value as a placeholder argument of f's column type.
func (w *sqlWriter) arg(f Field, v string) {
	switch f.Type {
	case Date, Long, Int:
		w.args = append(w.args, number(v))
	case Bool: // SQLite stores booleans as 0 and 1
		var b int64
		if v == "true" {
			b = 1
		}
		w.args = append(w.args, b)
	default:
		w.args = append(w.args, v)
	}
}

func (w *sqlWriter) cond(c *Cond) {
	f, _ := w.s.Field(c.Field)
	col := f.Column
	switch {
	case (c.Op == Eq || c.Op == Ne) && f.Type == Text:
		w.like(c.Op, col, "%"+LikeEscape(c.Values[0])+"%")
	case (c.Op == Eq || c.Op == Ne) && f.Type == Keyword && strings.Contains(c.Values[0], "*"):
		w.like(c.Op, col, strings.ReplaceAll(LikeEscape(c.Values[0]), "*", "%"))
	case c.Op == StartsWith:
		w.printf(`%s LIKE ? ESCAPE '\'`, col)
		w.args = append(w.args, LikeEscape(c.Values[0])+"%")
	case c.Op == Ne:
		w.printf("(%s IS NULL OR %s != ?)", col, col)
		w.arg(f, c.Values[0])
	case c.Op == In || c.Op == NotIn:
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(c.Values)), ", ")
		if c.Op == In {
			w.printf("%s IN (%s)", col, marks)
		} else {
			w.printf("(%s IS NULL OR %s NOT IN (%s))", col, col, marks)
		}
		for _, v := range c.Values {
			w.arg(f, v)
		}
	case c.Op == IsNull && f.EmptyIsNull:
		w.printf("(%s IS NULL OR %s = '')", col, col)
	case c.Op == IsNotNull && f.EmptyIsNull:
		w.printf("(%s IS NOT NULL AND %s != '')", col, col)
	case c.Op == IsNull || c.Op == IsNotNull:
		w.printf("%s %s", col, c.Op)
	case c.Op == Between:
		w.printf("%s BETWEEN ? AND ?", col)
		w.arg(f, c.Values[0])
		w.arg(f, c.Values[1])
	default: // = > < >= <=
		w.printf("%s %s ?", col, c.Op)
		w.arg(f, c.Values[0])
	}
}

// like writes a LIKE (=) or NOT LIKE (!=, which also matches null).
func (w *sqlWriter) like(op Op, col, pattern string) {
	if op == Eq {
		w.printf(`%s LIKE ? ESCAPE '\'`, col)
	} else {
		w.printf(`(%s IS NULL OR %s NOT LIKE ? ESCAPE '\')`, col, col)
	}
	w.args = append(w.args, pattern)
}

// LikeEscape escapes LIKE's metacharacters with \, for a pattern used
// with ESCAPE '\' (free text in the SQLite store uses it too).
func LikeEscape(v string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(v)
}
