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
