package workflow

import (
	"strconv"
	"strings"
)

// iterationSep separates a loop-body task's reference name from the
// iteration number in the reference name of its row, as in Conductor:
// the task "fetch" of a DO_WHILE's body runs as "fetch__1", "fetch__2"...
const iterationSep = "__"

// IterationRef is the reference name of ref's row in iteration n (from 1)
// of its DO_WHILE: ref__n.
func IterationRef(ref string, n int) string {
	return ref + iterationSep + strconv.Itoa(n)
}

// SplitIteration splits a row's reference name "ref__n" into ref and n. A
// name without such a suffix (n a positive decimal without leading zeros)
// is returned as is with n = 0.
func SplitIteration(ref string) (string, int) {
	i := strings.LastIndex(ref, iterationSep)
	if i <= 0 {
		return ref, 0
	}
	digits := ref[i+len(iterationSep):]
	if digits == "" || len(digits) > 9 || digits[0] == '0' {
		return ref, 0
	}
	n := 0
	for j := 0; j < len(digits); j++ {
		c := digits[j]
		if c < '0' || c > '9' {
			return ref, 0
		}
		n = n*10 + int(c-'0')
	}
	return ref[:i], n
}

// A row nested in several loops carries one __n per loop, outermost first:
// the task "work" of an inner DO_WHILE runs in outer iteration 2, inner
// iteration 3 as "work__2__3" (the suffix chain, as upstream's nested
// loops name them). The inner DO_WHILE's own row is "inner__2".

// IterationSuffix returns the last depth __n groups of a row's reference
// name: its suffix chain when depth loops enclose its task. It is "" when
// depth is 0 or the name has fewer groups.
func IterationSuffix(row string, depth int) string {
	i := len(row)
	for d := 0; d < depth; d++ {
		base, n := SplitIteration(row[:i])
		if n == 0 {
			return ""
		}
		i = len(base)
	}
	return row[i:]
}

// OuterSuffix keeps the first depth groups of a suffix chain: the part
// that names the iterations of the depth outermost loops.
func OuterSuffix(suffix string, depth int) string {
	groups := strings.Split(suffix, iterationSep)
	if depth+1 >= len(groups) {
		return suffix
	}
	return strings.Join(groups[:depth+1], iterationSep)
}

// RowOf reports whether row is ref itself or a loop row of it: ref__n,
// ref__m__n... (so "work__2" matches the rows of outer iteration 2).
func RowOf(row, ref string) bool {
	for {
		if row == ref {
			return true
		}
		base, n := SplitIteration(row)
		if n == 0 {
			return false
		}
		row = base
	}
}
