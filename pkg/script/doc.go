// Package script evaluates the user scripts of Conductor workflows:
// JavaScript (with goja, github.com/dop251/goja) and jq (with gojq,
// github.com/itchyny/gojq).
//
// The decider calls it for the tasks it runs inline: INLINE (javascript,
// graaljs), SWITCH (javascript), DECISION caseExpression, DO_WHILE
// loopCondition, LAMBDA scriptExpression and JSON_JQ_TRANSFORM
// queryExpression. The package does no I/O and keeps no package-level
// mutable state; an Evaluator holds its limits and two caches of compiled
// programs and is safe for concurrent use.
//
// # Model
//
//   - JS evaluates a program with $ bound to a deep copy of the input and
//     returns the value of its last expression statement (the completion
//     value, as GraalJS's Context.eval does): "$.a > 1 ? 'x' : 'y'",
//     "function e() { return $.n } e();".
//   - Lambda evaluates a function body (it must use return), wrapped as
//     Conductor does: function scriptFun(){ body } scriptFun();
//   - JQ runs a query on the input and returns every result.
//   - Truthiness of a result (Conductor's evalBool) is expr.Truthy.
//
// Arrays have a non-enumerable get(i) (javalist.go): scripts written for
// GraalJS read input lists, Java Lists there, with list.get(i).
//
// Each JavaScript call runs in a fresh goja.Runtime: nothing a script does
// (globals, top-level let, changed prototypes) is visible to the next call.
// A fresh runtime with the guards below costs about 25-35 µs; a pooled
// runtime would save most of that but could not be reset (a script can
// change any builtin's prototype), so the package pays it. What is shared
// is the compiled form: goja.Compile and gojq.Compile results are cached by
// source text in bounded LRU caches (1024 entries each; texts over 64 KiB
// are compiled on every call rather than pinned). Compile errors are cached
// too.
//
// The caller's input is never aliased: JavaScript gets plain objects built
// from it (not wrappers of the Go maps), jq gets a normalized copy, and
// results are fresh values (gojq results can share the compiled query's
// constants, so they are copied).
//
// # Conversion rules
//
// Into JavaScript and jq, the input is a JSON-like Go value:
// map[string]any, []any, string, bool, nil, float64, any Go integer type,
// float32 and json.Number. Any other type is converted by a JSON round
// trip. JavaScript objects get their keys in sorted order, since Go maps
// have no order and a script iterating $ must see the same order on every
// run; JavaScript numbers are float64, so integers beyond 2^53 lose
// precision (as in GraalJS). jq gets int, *big.Int (integers beyond int)
// and float64.
//
// Out of JavaScript (GraalJS's host conversion, which Conductor relies on):
//   - a number that fits in an int64 is an int64 (1.0 → 1; GraalJS makes it a
//     Long), any other number float64 (2.5, 1e300, -0); NaN, Infinity and
//     -Infinity, which JSON cannot hold, become the strings "NaN",
//     "Infinity" and "-Infinity" (what Jackson writes for them);
//   - undefined and null are nil, and so are functions and symbols;
//   - arrays are []any (holes nil); a Date is its toISOString() text; Number,
//     String, Boolean and BigInt wrapper objects are their primitive; a
//     BigInt is an int64 if it fits, else its decimal string;
//   - any other object is a map[string]any of its own enumerable
//     string-keyed properties; a property whose value is undefined stays,
//     as nil (GraalJS keeps it too; JSON.stringify would drop it);
//   - a cyclic result or one nested deeper than 10000 is an ErrScript.
//
// Out of jq: gojq's own types, deep-copied: map[string]any, []any, int,
// float64, string, bool, nil. An integer too large for an int (*big.Int in
// gojq) becomes a float64; NaN becomes nil and the infinities
// ±math.MaxFloat64, which is how jq prints them. Unlike JavaScript,
// integral floats are not turned into integers: 1.0 read from the input
// stays float64.
//
// # Errors
//
// Every error wraps one of ErrScript (syntax error, uncaught exception,
// jq error, unconvertible value), ErrTimeout or ErrMemory, with the
// JavaScript or jq message; test with errors.Is. Conductor maps them to
// task statuses (INLINE: FAILED_WITH_TERMINAL_ERROR, LAMBDA and
// JSON_JQ_TRANSFORM: FAILED); that is the decider's business. A panic
// escaping goja or gojq is recovered and returned as ErrScript, since the
// runtime is discarded anyway and an engine bug must fail the task, not
// the process.
//
// # Limits and their approximations
//
// Limits.Timeout (default 4 s, Conductor's INLINE limit) bounds the wall
// time of a call. A self-rearming time.AfterFunc ticks every 5 ms (no
// goroutine exists between ticks, and stop waits for a tick in flight, so
// none outlives the call) and, past the deadline, interrupts goja
// (Runtime.Interrupt) or cancels the context gojq runs with. goja only
// notices an interrupt between JavaScript instructions: a single builtin
// that runs long in Go (JSON.stringify of a huge value, a sort of millions
// of elements) finishes first, so the timeout can be overrun by the
// length of that one call. Compiling is not interrupted either; it is
// bounded by the size and nesting limits below.
//
// Limits.MaxMemory (default 64 MiB) bounds the heap growth a call may
// cause. goja has no heap limit and Go no per-goroutine accounting, so the
// same tick reads process-wide runtime/metrics, from a baseline taken at
// the first tick (5 ms into the call; shorter calls are never measured).
// Once the heap, garbage included, has grown by more than MaxMemory, the
// call is stopped if the heap is above the GC goal that was in force at
// the baseline by more than max(MaxMemory, goal/8) (the GC keeps garbage
// under its goal, so beyond it the heap holds more live data), or if a GC
// since the baseline marked more than MaxMemory of additional live data,
// or, in a process without GC, past 16×MaxMemory of growth. Consequences:
// garbage, the script's or anyone's, is not charged, so a script churning
// through short-lived values is not stopped; live data that other
// goroutines add during a long evaluation is charged to it; and one
// builtin call can overshoot before the next tick, e.g. the doubling of a
// large string. In TestMemory no case raises the process's RSS by more than
// a few hundred MiB, where each would reach gigabytes unchecked.

// Because a single builtin call is not interruptible, the builtins that
// build large values or recurse in Go are guarded in every runtime: they
// compute the size of their result first (or do the work in Go, counting)
// and stop the evaluation with ErrMemory when a string would exceed
// MaxMemory/2 UTF-16 units or a fill exceed MaxMemory/16 elements:
// String.prototype.repeat, padStart, padEnd, replace and replaceAll (with a
// string replacement; the bound is an upper bound, so a replacement on a
// very large string can be refused early), Array.prototype.join
// (reimplemented in Go; also behind Array.prototype.toString),
// Array.prototype.fill, and JSON.parse and JSON.stringify (nesting deeper
// than 10000 is refused: goja recurses on the Go stack, and a Go stack
// overflow kills the process). Array join/toString/toLocaleString nesting
// is bounded at 1000. A guard trip, like a watchdog trip, is uncatchable by
// the script. The converted result is bounded by MaxMemory too.
//
// jq has one such builtin, string repetition ("x" * 1e9; gojq itself stops
// only at 2 GiB): compileJQ rewrites every * and *= in the parsed query
// into a call of a custom function that refuses a repetition longer than
// MaxMemory/2 bytes (catchable by try, since nothing was allocated;
// ErrMemory if uncaught) and otherwise multiplies with gojq's own *.
//
// Known gaps, where a hostile script can still exceed the limits for the
// duration of one builtin call: a function replacement in replace, typed
// arrays and ArrayBuffer, Array.from, Function.prototype.apply and spread
// of huge array-likes, and chains of a few hundred thousand bound functions
// (each call recurses in Go); in jq, join, add, tojson and the @formats
// over an array holding one large string many times (the string is shared,
// the result is not), and `.[n] = v` with n up to 2^29 (gojq allocates the
// array; the copy of the result is then refused). The package stops honest mistakes and the
// obvious attacks; it is not a sandbox against a determined author of
// workflow definitions.
//
// Other fixed bounds: JavaScript call depth 10000 (RangeError, uncatchable
// in goja); script and query text 256 KiB with bracket nesting 1000 (goja's
// parser recurses on the Go stack, a million nested parentheses is a fatal
// overflow, and some constructs parse in quadratic time); input and result
// nesting 10000.
//
// # Determinism
//
// The decider must be replayable, but a script sees what its author asks
// for: JavaScript Date (new Date(), Date.now()) reads the wall clock, its
// local-time methods use the process time zone, and Math.random is random,
// as in Conductor; jq's now reads the clock and localtime, mktime and
// strflocaltime the time zone. Otherwise
// evaluation is deterministic: input keys are iterated in sorted order and
// nothing persists between calls. Replays must use the recorded result, not
// re-evaluate a script that reads the clock.
//
// # Environment
//
// JavaScript sees the ECMAScript builtins, $, and a console whose methods
// (log, info, warn, error, debug, trace) do nothing (GraalJS has one and
// scripts call it). There is no require, no Java.type, no I/O. jq sees no
// environment ($ENV and env are empty), and import, include, input and
// inputs fail: a query sees only its input.
package script
