package expr

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrSyntax is wrapped by every error Check returns.
var ErrSyntax = errors.New("expr: syntax error")

// Check reports a clear error for a malformed expression anywhere inside v (unbalanced `${` without `}`, a path ojg cannot parse), naming the offending string, e.g. `expr: bad expression "${a.b[": ...`. Used at definition registration time to reject broken definitions with a 400.
//
// Map keys are not checked (they are never resolved). Map entries are
// visited in key order so the error reported is deterministic. The path of
// an expression that contains a nested expression is only known at run time,
// so only its nested expressions are checked.
func Check(v any) error {
	switch t := v.(type) {
	case string:
		if !strings.Contains(t, "${") {
			return nil
		}
		tp := newTmpl(t)
		return checkRange(&tp, 0, len(t), 0)
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if err := Check(t[k]); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range t {
			if err := Check(e); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkRange(t *tmpl, lo, hi, depth int) error {
	for i := lo; ; {
		kind, from, to, next := t.next(i, hi)
		switch kind {
		case tokEOF:
			return nil
		case tokOpen:
			return syntaxError(t.s, t.s[from:hi], `"${" without a closing "}"`)
		case tokExpr:
			expr := t.s[from-2 : to+1]
			if depth+1 > maxDepth {
				return syntaxError(t.s, expr, fmt.Sprintf("expressions nested more than %d deep", maxDepth))
			}
			raw := t.s[from:to]
			if strings.Contains(raw, "${") {
				if err := checkRange(t, from, to, depth+1); err != nil {
					return err
				}
				break
			}
			if p := strings.TrimSpace(raw); p != "" {
				if c := paths.get(p); c.err != nil {
					return syntaxError(t.s, expr, c.err.Error())
				}
			}
		}
		i = next
	}
}

func syntaxError(s, expr, detail string) error {
	if s == expr {
		return fmt.Errorf("expr: bad expression %q: %s: %w", expr, detail, ErrSyntax)
	}
	return fmt.Errorf("expr: bad expression %q in %q: %s: %w", expr, s, detail, ErrSyntax)
}

// systemParams are the names Conductor treats as system parameters rather
// than as references to the context document.
var systemParams = [...]string{taskIDName, "NETFLIX_ENV", "NETFLIX_STACK"}

// Roots returns the distinct first path segments referenced by expressions inside v (e.g. "workflow", "t1"), so callers can validate that refs exist.
//
// The result is sorted. ${CPEWF_TASK_ID}, ${NETFLIX_ENV} and
// ${NETFLIX_STACK} are not listed. Any other bare name such as ${HOME} is
// listed even though it may be meant as an environment variable: callers
// that supply Env.Getenv should skip names it knows. For an expression with
// a nested one (${workflow.input.${t1.output.k}}) both the nested roots and
// the outer one are listed when the outer root is written out literally.
func Roots(v any) []string {
	var out []string
	collectRoots(v, &out)
	slices.Sort(out)
	return out
}

func collectRoots(v any, out *[]string) {
	switch t := v.(type) {
	case string:
		if strings.Contains(t, "${") {
			tp := newTmpl(t)
			rootsRange(&tp, 0, len(t), 0, out)
		}
	case map[string]any:
		for _, e := range t {
			collectRoots(e, out)
		}
	case []any:
		for _, e := range t {
			collectRoots(e, out)
		}
	}
}

func rootsRange(t *tmpl, lo, hi, depth int, out *[]string) {
	for i := lo; ; {
		kind, from, to, next := t.next(i, hi)
		if kind == tokEOF {
			return
		}
		if kind == tokExpr && depth+1 <= maxDepth {
			raw := t.s[from:to]
			if k := strings.Index(raw, "${"); k >= 0 {
				rootsRange(t, from, to, depth+1, out)
				if name := literalRoot(raw[:k]); name != "" {
					addRoot(out, name)
				}
			} else if p := strings.TrimSpace(raw); p != "" {
				c := paths.get(p)
				if c.err == nil && c.hasRoot && !(c.single && slices.Contains(systemParams[:], c.root)) {
					addRoot(out, c.root)
				}
			}
		}
		i = next
	}
}

// literalRoot returns the first segment of a path prefix such as
// "workflow.input." when the prefix spells it out in full.
func literalRoot(prefix string) string {
	p := strings.TrimLeft(prefix, " \t\r\n")
	if strings.HasPrefix(p, "$.") {
		p = p[2:]
	}
	k := strings.IndexAny(p, ".[")
	if k <= 0 {
		return ""
	}
	name := p[:k]
	if name == "*" || strings.ContainsAny(name, " ($") {
		return ""
	}
	return name
}

func addRoot(out *[]string, name string) {
	if !slices.Contains(*out, name) {
		*out = append(*out, name)
	}
}
