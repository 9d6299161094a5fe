package expr

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ohler55/ojg/jp"
)

// compiled is a parsed expression body (a Jayway-style JsonPath with "$."
// implied), ready to evaluate. Values are immutable once built, so they are
// shared freely between goroutines through the cache.
type compiled struct {
	// x is the whole path as an ojg expression: jp.Root('$'), then the
	// fragments. A trailing .length() is not part of it (see length).
	x jp.Expr
	// root is the first segment ("workflow", a task reference name, ...)
	// when the path starts with a plain name; hasRoot reports that it does.
	root    string
	hasRoot bool
	// definite reports that every fragment after the root is a plain key
	// or index (no wildcard, deep scan, union, slice or filter): the path
	// names at most one value, and missing means null rather than [].
	definite bool
	// single reports that the path is just the root name.
	single bool
	// length reports a trailing Jayway .length() call.
	length bool
	err    error
}

// steps returns the fragments that follow the root name.
func (c *compiled) steps() jp.Expr { return c.x[2:] }

var errPath = errors.New("invalid path")

// compilePath parses a trimmed, non-empty path in Jayway's dialect:
//
//	name(.name | ['key'] | [n] | [*] | .* | ..name | [?(filter)] | [a:b] | [a,b])* [.length()]
//
// A leading "$" or "$." is optional. Dot-notation names may hold any
// character but '.', '[', '(' and blank, as in Jayway (so "my-task" and
// "a:b" are fine). Bracket fragments are parsed by ojg.
func compilePath(p string) *compiled {
	c := &compiled{}
	x, err := parseJayway(p, c)
	if err != nil {
		c.err = err
		return c
	}
	c.x = x
	if len(x) >= 2 {
		if name, ok := x[1].(jp.Child); ok {
			c.root = string(name)
			c.hasRoot = true
		}
	}
	c.definite = c.hasRoot
	if c.hasRoot {
		for _, f := range x[2:] {
			switch f.(type) {
			case jp.Child, jp.Nth:
			default:
				c.definite = false
			}
		}
	}
	c.single = c.hasRoot && len(x) == 2 && !c.length
	return c
}

func parseJayway(p string, c *compiled) (jp.Expr, error) {
	x := make(jp.Expr, 1, 6)
	x[0] = jp.Root('$')
	if p[0] != '$' {
		// Jayway prefixes "$." to a path that does not start with '$'.
		p = "$." + p
	}
	if len(p) == 1 {
		return x, nil // the whole document; see evalCompiled
	}
	if p[1] != '.' && p[1] != '[' {
		return nil, fmt.Errorf("%w: unexpected %q after '$'", errPath, p[1])
	}
	for i := 1; i < len(p); {
		if c.length {
			return nil, fmt.Errorf("%w: length() must end the path", errPath)
		}
		switch p[i] {
		case '.':
			i++
			if i < len(p) && p[i] == '.' {
				x = append(x, jp.Descent('.'))
				i++
			}
			if i >= len(p) {
				return nil, fmt.Errorf("%w: path must not end with '.'", errPath)
			}
			if p[i] == '[' {
				continue // Jayway accepts ".[" and "..["
			}
			f, n, err := readName(p, i)
			if err != nil {
				return nil, err
			}
			if f == nil { // length()
				if len(x) < 2 {
					return nil, fmt.Errorf("%w: length() needs a path before it", errPath)
				}
				if _, ok := x[len(x)-1].(jp.Descent); ok {
					return nil, fmt.Errorf("%w: length() can not follow '..'", errPath)
				}
				c.length = true
			} else {
				x = append(x, f)
			}
			i = n
		case '[':
			end := bracketEnd(p, i)
			if end < 0 {
				return nil, fmt.Errorf("%w: unterminated '[' at %d", errPath, i)
			}
			f, err := parseBracket(p[i : end+1])
			if err != nil {
				return nil, err
			}
			if f != nil {
				x = append(x, f)
			}
			i = end + 1
		default:
			return nil, fmt.Errorf("%w: unexpected %q at %d", errPath, p[i], i)
		}
	}
	if _, ok := x[len(x)-1].(jp.Descent); ok {
		return nil, fmt.Errorf("%w: path must not end with '..'", errPath)
	}
	return x, nil
}

// readName reads a dot-notation name, "*", or the function call length()
// at p[i:] and returns its fragment (nil for length()) and the index after
// it.
func readName(p string, i int) (jp.Frag, int, error) {
	start := i
	for i < len(p) {
		switch p[i] {
		case '.', '[':
			goto done
		case ' ':
			return nil, 0, fmt.Errorf("%w: use bracket notation ['my key'] for a name with blanks (at %d)", errPath, i)
		case '(':
			name := p[start:i]
			closing := strings.IndexByte(p[i:], ')')
			if closing < 0 {
				return nil, 0, fmt.Errorf("%w: unterminated function %s(", errPath, name)
			}
			if args := strings.TrimSpace(p[i+1 : i+closing]); args != "" {
				return nil, 0, fmt.Errorf("%w: function %s() takes no arguments", errPath, name)
			}
			if name != "length" {
				return nil, 0, fmt.Errorf("%w: unsupported function %s()", errPath, name)
			}
			return nil, i + closing + 1, nil
		}
		i++
	}
done:
	name := p[start:i]
	switch name {
	case "":
		return nil, 0, fmt.Errorf("%w: empty name at %d", errPath, start)
	case "*":
		return jp.Wildcard('*'), i, nil
	}
	return jp.Child(name), i, nil
}

// bracketEnd returns the index of the ']' closing the '[' at p[i], skipping
// quoted strings and nested brackets/parentheses, or -1.
func bracketEnd(p string, i int) int {
	depth := 0
	for j := i; j < len(p); j++ {
		switch q := p[j]; q {
		case '\'', '"':
			for j++; j < len(p) && p[j] != q; j++ {
				if p[j] == '\\' {
					j++
				}
			}
			if j >= len(p) {
				return -1
			}
		case '[', '(':
			depth++
		case ']', ')':
			depth--
			if depth == 0 {
				if q != ']' {
					return -1
				}
				return j
			}
			if depth < 0 {
				return -1
			}
		}
	}
	return -1
}

// parseBracket parses one bracket fragment such as ['a'], [0], [*], [1:3],
// [0,1] or [?(@.x > 1)] with ojg.
func parseBracket(b string) (f jp.Frag, err error) {
	defer func() {
		// ojg reports errors by value, but be defensive: a definition must
		// never crash the engine.
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("%w: %s: %v", errPath, b, r)
		}
	}()
	x, err := jp.ParseString("$" + b)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", errPath, b, err)
	}
	switch len(x) {
	case 1:
		return nil, nil
	case 2:
		if _, ok := x[1].(jp.Bracket); ok {
			return nil, nil
		}
		return x[1], nil
	case 3:
		if _, ok := x[1].(jp.Bracket); ok {
			return x[2], nil
		}
	}
	return nil, fmt.Errorf("%w: %s: not a single bracket fragment", errPath, b)
}

// maxCacheGen bounds one generation of the path cache. The cache keeps two
// generations: when the current one fills up it becomes the old one and the
// previous old one is dropped, so memory stays bounded (at most
// 2*maxCacheGen entries) even though nested expressions can build paths from
// runtime data, while hot paths survive rotation by being promoted.
const maxCacheGen = 4096

type cacheGen struct {
	m sync.Map // string → *compiled
	n atomic.Int64
}

type pathCache struct {
	mu  sync.Mutex // serialises rotation only
	cur atomic.Pointer[cacheGen]
	old atomic.Pointer[cacheGen]
}

// paths caches compiled paths for the whole process. It is safe for
// concurrent use and holds only immutable values derived from path strings.
var paths = newPathCache()

func newPathCache() *pathCache {
	c := &pathCache{}
	c.cur.Store(&cacheGen{})
	return c
}

// get returns the compiled form of the trimmed path p, parsing it at most
// once while it stays cached. Parse errors are cached too.
func (c *pathCache) get(p string) *compiled {
	g := c.cur.Load()
	if v, ok := g.m.Load(p); ok {
		return v.(*compiled)
	}
	if o := c.old.Load(); o != nil {
		if v, ok := o.m.Load(p); ok {
			cp := v.(*compiled)
			c.put(g, strings.Clone(p), cp)
			return cp
		}
	}
	// Clone: p is often a substring of a large template, which neither the
	// key nor the compiled names (which point into it) may pin in memory.
	p = strings.Clone(p)
	cp := compilePath(p)
	c.put(g, p, cp)
	return cp
}

func (c *pathCache) put(g *cacheGen, p string, cp *compiled) {
	if _, loaded := g.m.LoadOrStore(p, cp); loaded {
		return
	}
	if g.n.Add(1) < maxCacheGen {
		return
	}
	c.mu.Lock()
	if c.cur.Load() == g {
		c.old.Store(g)
		c.cur.Store(&cacheGen{})
	}
	c.mu.Unlock()
}

// walk follows definite steps (keys and indexes) from v without allocating.
// It reports false when a step is missing.
func walk(v any, steps jp.Expr) (any, bool) {
	for k, f := range steps {
		switch s := f.(type) {
		case jp.Child:
			switch t := v.(type) {
			case map[string]any:
				var ok bool
				if v, ok = t[string(s)]; !ok {
					return nil, false
				}
			case []any, nil, string, bool, float64, int, int64:
				return nil, false
			default:
				return steps[k:].FirstFound(v)
			}
		case jp.Nth:
			switch t := v.(type) {
			case []any:
				i := int(s)
				if i < 0 {
					i += len(t)
				}
				if i < 0 || i >= len(t) {
					return nil, false
				}
				v = t[i]
			case map[string]any, nil, string, bool, float64, int, int64:
				return nil, false
			default:
				return steps[k:].FirstFound(v)
			}
		default:
			return steps[k:].FirstFound(v)
		}
	}
	return v, true
}
