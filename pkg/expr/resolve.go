package expr

import (
	"encoding/json"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ohler55/ojg/jp"
)

// Env supplies the context for resolution.
type Env struct {
	// Lookup returns the root object named by a path's first segment:
	// "workflow" or a task reference name. It is called at most once per
	// name during one Resolve call. The returned value is only read.
	Lookup func(root string) (any, bool)
	// TaskID is the value of ${CPEWF_TASK_ID}.
	TaskID string
	// Getenv looks up environment variables for ${NAME} and
	// ${workflow.env.NAME}; nil means there are none.
	Getenv func(name string) (string, bool)
}

const (
	taskIDName    = "CPEWF_TASK_ID"
	envPrefix     = "workflow.env."
	secretsPrefix = "workflow.secrets."
)

// Resolve returns a deep copy of v (map[string]any, []any, string, or scalar) with every ${...} resolved.
func Resolve(v any, env Env) any {
	if s, ok := v.(string); ok && !strings.Contains(s, "${") {
		return v
	}
	r := newResolver(env)
	return r.value(v)
}

// ResolveMap is Resolve for a map (nil in ⇒ empty non-nil map out).
func ResolveMap(m map[string]any, env Env) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	r := newResolver(env)
	return r.mapValue(m)
}

type memoEntry struct {
	name string
	v    any
	ok   bool
}

// resolver holds the state of one Resolve call: the environment and the
// root objects already fetched through Env.Lookup.
type resolver struct {
	env  Env
	memo []memoEntry
	buf  [4]memoEntry
	doc  lazyDoc
}

func newResolver(env Env) *resolver {
	r := &resolver{env: env}
	r.memo = r.buf[:0]
	r.doc.r = r
	return r
}

// lookup returns a root object, asking Env.Lookup once per name.
func (r *resolver) lookup(name string) (any, bool) {
	for i := range r.memo {
		if r.memo[i].name == name {
			return r.memo[i].v, r.memo[i].ok
		}
	}
	var v any
	var ok bool
	if r.env.Lookup != nil {
		v, ok = r.env.Lookup(name)
	}
	r.memo = append(r.memo, memoEntry{name: name, v: v, ok: ok})
	return v, ok
}

func (r *resolver) value(v any) any {
	switch t := v.(type) {
	case string:
		if !strings.Contains(t, "${") {
			return v
		}
		return r.str(t)
	case map[string]any:
		if t == nil {
			return v
		}
		return r.mapValue(t)
	case []any:
		if t == nil {
			return v
		}
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = r.value(e)
		}
		return out
	default:
		return v
	}
}

// mapValue resolves the values of m into a new map; keys are kept as they
// are.
func (r *resolver) mapValue(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, e := range m {
		out[k] = r.value(e)
	}
	return out
}

// str resolves a string holding at least one "${". A string that is exactly
// one expression keeps the JSON type of its value; otherwise the pieces are
// concatenated with Java's toString.
func (r *resolver) str(s string) any {
	t := newTmpl(s)
	if kind, lo, hi, next := t.next(0, len(s)); kind == tokExpr && next == len(s) {
		return r.body(&t, lo, hi, 1)
	}
	return r.interp(&t, 0, len(s), 0)
}

// interp returns s[lo:hi] with every expression replaced by the Java string
// form of its value, then every "$${" turned into "${". Like Conductor, the
// unescaping runs over the whole result, substituted values included.
func (r *resolver) interp(t *tmpl, lo, hi, depth int) string {
	var b strings.Builder
	b.Grow(hi - lo + 16)
	for i := lo; ; {
		kind, from, to, next := t.next(i, hi)
		switch kind {
		case tokEOF:
			out := b.String()
			if strings.Contains(out, "$${") {
				out = strings.ReplaceAll(out, "$${", "${")
			}
			return out
		case tokText, tokEscape, tokOpen:
			b.WriteString(t.s[from:to])
		case tokExpr:
			writeJava(&b, r.body(t, from, to, depth+1))
		}
		i = next
	}
}

// body evaluates the expression whose body is t.s[lo:hi], resolving nested
// expressions first (inside-out).
func (r *resolver) body(t *tmpl, lo, hi, depth int) any {
	if depth > maxDepth {
		return nil
	}
	raw := t.s[lo:hi]
	path := raw
	if strings.Contains(raw, "${") {
		path = r.interp(t, lo, hi, depth)
	}
	return r.path(path, raw)
}

// path evaluates one expression body (nested expressions already
// resolved). raw is the body as written, for deferred secrets.
func (r *resolver) path(path, raw string) any {
	p := strings.TrimSpace(path)
	switch {
	case p == "":
		return ""
	case p == taskIDName:
		return r.env.TaskID
	case strings.HasPrefix(p, secretsPrefix):
		// As in Conductor: secrets are left for a later substitution step.
		return "${" + raw + "}"
	case r.env.Getenv != nil && strings.HasPrefix(p, envPrefix):
		return r.envValue(p[len(envPrefix):])
	}
	c := paths.get(p)
	if c.err != nil {
		return nil
	}
	if c.single {
		if v, ok := r.lookup(c.root); ok {
			return deepCopy(v)
		}
		if r.env.Getenv != nil {
			if v, ok := r.env.Getenv(c.root); ok {
				return v
			}
		}
		return nil
	}
	return r.eval(c)
}

// eval evaluates a compiled path against the context.
func (r *resolver) eval(c *compiled) any {
	var res any
	switch {
	case c.definite:
		if root, ok := r.lookup(c.root); ok {
			res, _ = walk(root, c.steps())
		}
	case !c.hasRoot && len(c.x) <= 1:
		// "$": the whole document, which is never built. Null.
	case !c.hasRoot:
		// A path starting with a wildcard, deep scan, union... cannot name
		// its roots, and Lookup cannot list them: nothing matches.
		res = []any{}
	default:
		res = indefinite(c.x.Get(&r.doc))
	}
	if c.length {
		return length(res)
	}
	return deepCopy(res)
}

// indefinite turns an ojg result into the list an indefinite path yields:
// never nil, so that missing reads as [].
func indefinite(l []any) any {
	if l == nil {
		return []any{}
	}
	return l
}

// envValue resolves ${workflow.env.NAME} and, as Conductor does,
// ${workflow.env.NAME.path} where the variable holds JSON.
func (r *resolver) envValue(ref string) any {
	name, rest, hasRest := strings.Cut(ref, ".")
	v, ok := r.env.Getenv(name)
	if !ok {
		return nil
	}
	if !hasRest {
		return v
	}
	var doc any
	if json.Unmarshal([]byte(v), &doc) != nil {
		return nil
	}
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return nil
	}
	c := paths.get(rest)
	if c.err != nil {
		return nil
	}
	res := c.x.Get(doc)
	var out any
	if c.definite {
		if len(res) > 0 {
			out = res[0]
		}
	} else {
		out = indefinite(res)
	}
	if c.length {
		return length(out)
	}
	return out // freshly decoded: no need to copy
}

// length implements Jayway's length(): the size of a list or map, the
// length of a string in UTF-16 units (Java's String.length()), else null.
func length(v any) any {
	switch t := v.(type) {
	case []any:
		return len(t)
	case map[string]any:
		return len(t)
	case string:
		n := 0
		for _, c := range t {
			if c == utf8.RuneError {
				n++
				continue
			}
			n += utf16.RuneLen(c)
		}
		return n
	}
	return nil
}

// lazyDoc is the context document seen by ojg for indefinite paths: a
// keyed collection whose entries are fetched through Env.Lookup on demand,
// so no document is ever built. It cannot list its keys, so a wildcard or
// deep scan at the very root finds nothing.
type lazyDoc struct{ r *resolver }

var _ jp.Keyed = (*lazyDoc)(nil)

func (d *lazyDoc) ValueForKey(key string) (any, bool) { return d.r.lookup(key) }
func (d *lazyDoc) SetValueForKey(string, any)         {}
func (d *lazyDoc) RemoveValueForKey(string)           {}
func (d *lazyDoc) Keys() []string                     { return nil }
