package query

import "strings"

type tokKind int

const (
	tEOF    tokKind = iota
	tWord           // a bare word: a field name, keyword, number or value
	tString         // a quoted value, escapes resolved
	tLParen
	tRParen
	tComma
	tOp // = != > < >= <=
)

type token struct {
	kind tokKind
	text string
	pos  int // byte offset in the query
}

// keywords are reserved, upper case as upstream: a value spelled like one
// must be quoted. NULL is reserved too, so that "x = NULL" is an error
// rather than a comparison with the string "NULL".
var keywords = map[string]bool{
	"AND": true, "OR": true, "IN": true, "NOT": true, "IS": true,
	"NULL": true, "BETWEEN": true, "STARTS_WITH": true,
}

// singles are the one-byte tokens.
var singles = [256]tokKind{'(': tLParen, ')': tRParen, ',': tComma, '=': tOp}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// isWordByte: a word ends at whitespace, a parenthesis, a comma, a quote
// or an operator character, as upstream's names end at whitespace or one
// of =><!.
func isWordByte(c byte) bool {
	return !isSpace(c) && !strings.ContainsRune("()=<>!,'\"", rune(c))
}

func lex(s string) ([]token, error) {
	var toks []token
	for i := 0; ; {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i == len(s) {
			return append(toks, token{kind: tEOF, pos: i}), nil
		}
		start := i
		switch c := s[i]; {
		case singles[c] != tEOF:
			toks = append(toks, token{singles[c], s[i : i+1], i})
			i++
		case c == '!':
			if i+1 == len(s) || s[i+1] != '=' {
				return nil, syntaxErr(i, "= after !", s[i:])
			}
			toks = append(toks, token{tOp, "!=", i})
			i += 2
		case c == '<' || c == '>':
			i++
			if i < len(s) && s[i] == '=' {
				i++
			}
			toks = append(toks, token{tOp, s[start:i], start})
		case c == '"' || c == '\'':
			var b strings.Builder
			for i++; ; i++ {
				if i >= len(s) {
					return nil, syntaxErr(start, "a closing "+string(c), s[start:])
				}
				if s[i] == c {
					break
				}
				if s[i] == '\\' {
					i++
					if i == len(s) {
						return nil, syntaxErr(start, "a closing "+string(c), s[start:])
					}
				}
				b.WriteByte(s[i])
			}
			i++
			toks = append(toks, token{tString, b.String(), start})
		default:
			for i < len(s) && isWordByte(s[i]) {
				i++
			}
			toks = append(toks, token{tWord, s[start:i], start})
		}
	}
}
