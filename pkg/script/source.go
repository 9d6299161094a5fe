package script

import "fmt"

// maxSourceBytes bounds the length of a script or query. goja's parser is
// recursive descent on the Go stack and some constructs (x=>x=>…, - - -…)
// parse in quadratic time; the length bound keeps both the recursion and
// the parse time of a pathological text in check, since compiling cannot be
// interrupted.
const maxSourceBytes = 256 << 10

// checkSource rejects script text that could crash or stall the parser:
// longer than maxSourceBytes, or nesting brackets deeper than
// maxSourceNesting (a million nested parentheses are a fatal Go stack
// overflow, not a recoverable error). Brackets in '…' and "…" strings and in
// comments are skipped; those in template literals and regular expressions
// are counted, which can only over-count.
func checkSource(src string) error {
	if len(src) > maxSourceBytes {
		return fmt.Errorf("%w: source is %d bytes, longer than %d", ErrScript, len(src), maxSourceBytes)
	}
	depth := 0
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case '\'', '"':
			for i++; i < len(src) && src[i] != c && src[i] != '\n'; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case '/':
			if i+1 < len(src) && src[i+1] == '/' {
				for i < len(src) && src[i] != '\n' {
					i++
				}
			} else if i+1 < len(src) && src[i+1] == '*' {
				for i += 2; i+1 < len(src) && !(src[i] == '*' && src[i+1] == '/'); i++ {
				}
				i++
			}
		case '(', '[', '{':
			if depth++; depth > maxSourceNesting {
				return fmt.Errorf("%w: source nested deeper than %d", ErrScript, maxSourceNesting)
			}
		case ')', ']', '}':
			depth = max(depth-1, 0) // unbalanced closers cannot pre-pay
		}
	}
	return nil
}

// checkQuery is checkSource for jq: every bracket counts, strings and
// comments included (a jq string can hold \(…) interpolations).
func checkQuery(src string) error {
	if len(src) > maxSourceBytes {
		return fmt.Errorf("%w: query is %d bytes, longer than %d", ErrScript, len(src), maxSourceBytes)
	}
	depth := 0
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '(', '[', '{':
			if depth++; depth > maxSourceNesting {
				return fmt.Errorf("%w: query nested deeper than %d", ErrScript, maxSourceNesting)
			}
		case ')', ']', '}':
			depth = max(depth-1, 0)
		}
	}
	return nil
}
