package query

import "strings"

// ParseFreeText reads the freeText parameter: whitespace-separated terms
// and "quoted phrases", all of which must match. Blank and "*" (the UI's
// "anything") are no terms. An unterminated quote runs to the end.
func ParseFreeText(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" || s == "*" {
		return nil
	}
	var terms []string
	for s != "" {
		if s[0] == '"' {
			phrase, rest, _ := strings.Cut(s[1:], `"`)
			if phrase = strings.TrimSpace(phrase); phrase != "" {
				terms = append(terms, phrase)
			}
			s = strings.TrimLeft(rest, " \t\r\n")
			continue
		}
		end := strings.IndexAny(s, " \t\r\n\"")
		if end < 0 {
			end = len(s)
		}
		if t := s[:end]; t != "*" {
			terms = append(terms, t)
		}
		s = strings.TrimLeft(s[end:], " \t\r\n")
	}
	return terms
}
