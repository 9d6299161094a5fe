// Package expr resolves Conductor's ${...} parameter expressions.
//
// Workflow task inputParameters are maps of arbitrary JSON whose strings may
// hold ${...} expressions. Resolve copies such a value and replaces every
// expression with its value, read from a context document, the way Netflix
// Conductor's ParametersUtils does.
//
// # The context document
//
// The context is a map with one entry "workflow" (input, output, status,
// workflowId, parentWorkflowId, parentWorkflowTaskId, workflowType, version,
// correlationId, reasonForIncompletion, schemaVersion, variables, ...) and
// one entry per task reference name (input, output, taskType, status,
// referenceTaskName, retryCount, ...). The package never sees it whole: the
// caller supplies Env.Lookup, which returns the one root object that a
// path's first segment names, and is asked at most once per name in a
// Resolve call. Values are plain Go JSON values (map[string]any, []any,
// float64/int/int64, string, bool, nil); they are only read, and resolved
// values are deep copies.
//
// # Rules
//
//   - Strings inside maps and lists are resolved recursively; map keys never.
//   - A body is a Jayway JsonPath with "$." implied: a.b, list[0], list[-1],
//     ['odd key'], items[*].id, a..b, [0,1], [1:3], [?(@.x > 1)], and a
//     trailing .length() (size of a list or map, UTF-16 length of a string).
//     Dot-notation names take any character but '.', '[', '(' and blank, so
//     ${my-task.output.x} works. Brackets are parsed by ojg
//     (github.com/ohler55/ojg/jp).
//   - Missing is null for a definite path, [] for an indefinite one
//     (wildcard, deep scan, union, slice, filter); never an error.
//   - A string that is exactly one expression ("${a.b}") takes the JSON type
//     of the value. Expressions inside other text ("id-${a.b}-x") are
//     concatenated with Java's toString: null → "null", map → "{k=v, k2=v2}"
//     (keys sorted: Go maps keep no insertion order), list → "[a, b]",
//     integral numbers without ".0", other floats as Double.toString.
//   - Nested expressions resolve inside-out: in
//     ${workflow.input.${workflow.input.k}} the inner one is resolved (as a
//     string) and the outer path is then read. Nesting is bounded (32).
//   - ${} (or only blanks) is "". "$${" is an escape for a literal "${":
//     it starts no expression, and once the pieces of an interpolated
//     string are joined every "$${" becomes "${" (like Conductor, this also
//     applies to text that came from values). An unterminated "${" is kept
//     as text (Check rejects it).
//   - ${CPEWF_TASK_ID} is Env.TaskID. A bare name that is no context root
//     (${NETFLIX_ENV}, ${HOME}) is Env.Getenv(name), else null.
//     ${workflow.env.NAME} is Env.Getenv(NAME) (and
//     ${workflow.env.NAME.path} reads path from the variable parsed as JSON)
//     when Getenv is set. ${workflow.secrets.*} is left as written, for a
//     later secrets step, as Conductor does.
//
// # Caller duties
//
// Provide Env.Lookup building only the named root object (nil map entries
// are fine); provide Env.Getenv if environment variables are to be visible
// (the package never reads the process environment); call Check when a
// definition is registered and turn its error (wrapping ErrSyntax) into a
// 400; use Roots to check that every referenced task reference name
// exists. Results of paths with a wildcard or deep scan over a map follow
// Go's map order, which is not stable.
//
// # Performance
//
// Strings without "${" are returned as they are, without allocation.
// Compiled paths are kept in a process-wide, concurrency-safe cache bounded
// to two generations of 4096 entries (paths built from runtime data by
// nested expressions cannot grow it without bound). Definite paths are
// walked directly; others are evaluated by ojg against a lazy document.
package expr
