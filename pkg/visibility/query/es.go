package query

import "strings"

// ToES renders a bound Expr as an Elasticsearch 8 query (the value of a
// search body's "query"); a nil Expr is match_all. AND is bool.filter
// (no scoring: hits are sorted, never ranked) and OR bool.should with
// minimum_should_match 1, which a should inside a filter needs.
func ToES(e Expr, s *Schema) map[string]any {
	switch e := e.(type) {
	case *Logical:
		ops := operands(e)
		qs := make([]any, len(ops))
		for i, op := range ops {
			qs[i] = ToES(op, s)
		}
		if e.Op == And {
			return boolQuery("filter", qs...)
		}
		b := boolQuery("should", qs...)
		b["bool"].(map[string]any)["minimum_should_match"] = 1
		return b
	case *Cond:
		return esCond(e, s)
	}
	return map[string]any{"match_all": map[string]any{}}
}

// ESSort renders sort keys as a search body's "sort". Missing values sort
// last, Elasticsearch's default, spelled out to match OrderBy.
func ESSort(keys []SortKey, s *Schema) []any {
	out := make([]any, len(keys))
	for i, k := range keys {
		f, _ := s.Field(k.Field)
		out[i] = map[string]any{f.ESField: map[string]any{"order": k.order(), "missing": "_last"}}
	}
	return out
}

func boolQuery(clause string, qs ...any) map[string]any {
	return map[string]any{"bool": map[string]any{clause: qs}}
}

func leaf(kind, field string, v any) map[string]any {
	return map[string]any{kind: map[string]any{field: v}}
}

func esValue(f Field, v string) any {
	switch f.Type {
	case Date, Long, Int:
		return number(v)
	case Bool:
		return v == "true"
	}
	return v
}

func esCond(c *Cond, s *Schema) map[string]any {
	f, _ := s.Field(c.Field)
	name := f.ESField
	switch c.Op {
	case Eq:
		return esEq(f, c.Values[0])
	case Ne:
		return boolQuery("must_not", esEq(f, c.Values[0]))
	case Gt, Lt, Ge, Le:
		bound := map[Op]string{Gt: "gt", Lt: "lt", Ge: "gte", Le: "lte"}[c.Op]
		return leaf("range", name, map[string]any{bound: esValue(f, c.Values[0])})
	case Between:
		return leaf("range", name, map[string]any{"gte": esValue(f, c.Values[0]), "lte": esValue(f, c.Values[1])})
	case In, NotIn:
		vs := make([]any, len(c.Values))
		for i, v := range c.Values {
			vs[i] = esValue(f, v)
		}
		terms := leaf("terms", name, vs)
		if c.Op == In {
			return terms
		}
		return boolQuery("must_not", terms)
	case IsNull, IsNotNull:
		exists := map[string]any{"exists": map[string]any{"field": name}}
		if f.EmptyIsNull {
			// Present and "" is null too.
			exists = boolQuery("filter", exists)
			exists["bool"].(map[string]any)["must_not"] = []any{leaf("term", name, "")}
		}
		if c.Op == IsNotNull {
			return exists
		}
		return boolQuery("must_not", exists)
	default: // STARTS_WITH
		return leaf("prefix", name, map[string]any{"value": c.Values[0], "case_insensitive": true})
	}
}

// esEq is = on one value: a phrase on text, a case-insensitive wildcard
// on a keyword with *, a term otherwise.
func esEq(f Field, v string) map[string]any {
	switch {
	case f.Type == Text:
		return leaf("match_phrase", f.ESField, v)
	case f.Type == Keyword && strings.Contains(v, "*"):
		// * is the only wildcard Conductor's grammar has: escape ES's ?
		// and \ so they match themselves, as in SQL.
		pattern := strings.NewReplacer(`\`, `\\`, `?`, `\?`).Replace(v)
		return leaf("wildcard", f.ESField, map[string]any{"value": pattern, "case_insensitive": true})
	}
	return leaf("term", f.ESField, esValue(f, v))
}
