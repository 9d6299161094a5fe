package expr

import "strings"

// maxDepth bounds how deeply "${" may nest. Deeper expressions resolve to
// null and fail Check (Conductor would overflow its regex engine long
// before).
const maxDepth = 32

// bigTemplate is the length above which closing braces are found through a
// table built in one pass, rather than by scanning from each "${" (which is
// quadratic for inputs such as "${${${${...").
const bigTemplate = 1024

// tmpl is a string being scanned for ${...} expressions. Positions are
// offsets into s; nested bodies are ranges of the same s.
type tmpl struct {
	s     string
	close []int32 // for big strings: index of the '}' matching a '{' at i, or -1
}

func newTmpl(s string) tmpl {
	t := tmpl{s: s}
	if len(s) > bigTemplate {
		t.close = make([]int32, len(s))
		var stack []int32
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case '{':
				t.close[i] = -1
				stack = append(stack, int32(i))
			case '}':
				if n := len(stack); n > 0 {
					t.close[stack[n-1]] = int32(i)
					stack = stack[:n-1]
				}
			}
		}
	}
	return t
}

// end returns the index just past the '}' closing the "${" at s[i], or -1
// when it is not closed before hi. Braces balance like Conductor's pattern:
// every '{' opens a level and every '}' closes one.
func (t *tmpl) end(i, hi int) int {
	if t.close != nil {
		c := int(t.close[i+1])
		if c < 0 || c >= hi {
			return -1
		}
		return c + 1
	}
	depth := 0
	for j := i + 1; j < hi; j++ {
		switch t.s[j] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return j + 1
			}
		}
	}
	return -1
}

// token kinds produced by next.
const (
	tokText   = iota // literal text s[lo:hi]
	tokEscape        // "$${": no expression; unescaped to "${" afterwards
	tokOpen          // unterminated "${": kept as text
	tokExpr          // expression; body is s[lo:hi]
	tokEOF
)

// next finds the next token of s[i:hi]. Text runs are split at every '$'
// that does not start an expression or escape; callers just concatenate.
func (t *tmpl) next(i, hi int) (kind, lo, end, next int) {
	if i >= hi {
		return tokEOF, i, i, i
	}
	s := t.s
	if s[i] != '$' {
		j := strings.IndexByte(s[i+1:hi], '$')
		if j < 0 {
			return tokText, i, hi, hi
		}
		j += i + 1
		return tokText, i, j, j
	}
	switch {
	case i+2 < hi && s[i+1] == '$' && s[i+2] == '{':
		return tokEscape, i, i + 3, i + 3
	case i+1 < hi && s[i+1] == '{':
		e := t.end(i, hi)
		if e < 0 {
			return tokOpen, i, i + 2, i + 2
		}
		return tokExpr, i + 2, e - 1, e
	}
	return tokText, i, i + 1, i + 1
}
