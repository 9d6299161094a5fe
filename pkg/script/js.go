package script

import (
	"errors"
	"fmt"

	"github.com/dop251/goja"
)

// lambdaPrefix and lambdaSuffix wrap a LAMBDA scriptExpression the way
// Conductor's Lambda task does ("function scriptFun(){" + body +
// "} scriptFun();"), with a newline before the brace so a trailing //
// comment in the body cannot swallow it. Lines in error positions are the
// body's own; columns on its first line are shifted by the prefix.
const (
	scriptName   = "script" // the file name in positions
	lambdaPrefix = "function scriptFun(){"
	lambdaSuffix = "\n}\nscriptFun();"
)

// JS evaluates a JavaScript program (INLINE expression, SWITCH javascript
// expression, DECISION caseExpression, DO_WHILE loopCondition) with $ bound
// to a deep copy of input, and returns the value of the last expression
// statement converted to a JSON-like Go value (see the package
// documentation for the rules).
//
// Errors wrap ErrScript (syntax error, uncaught exception, unconvertible
// result), ErrTimeout or ErrMemory.
func (e *Evaluator) JS(script string, input map[string]any) (any, error) {
	prg, err := e.programs.get(script, compileJS)
	if err != nil {
		return nil, err
	}
	return e.run(prg, input)
}

// Lambda evaluates a LAMBDA scriptExpression: body is the body of a
// function, whose return value is the result; $ is input.
func (e *Evaluator) Lambda(body string, input map[string]any) (any, error) {
	prg, err := e.programs.get(lambdaPrefix+body+lambdaSuffix, compileJS)
	if err != nil {
		return nil, err
	}
	return e.run(prg, input)
}

func compileJS(src string) (*goja.Program, error) {
	if err := checkSource(src); err != nil {
		return nil, err
	}
	prg, err := goja.Compile(scriptName, src, false)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", ErrScript, err.Error())
	}
	return prg, nil
}

// run evaluates prg in a fresh runtime. A fresh runtime with its guards
// costs about 20 µs of the 25 µs a small script takes (goja.New alone is
// under 2 µs; materializing the guarded builtins is the rest) and buys
// isolation: no global, prototype change or top-level let can leak into the
// next call. A pool of runtimes could not promise that without freezing
// every builtin, which changes what scripts may do.
func (e *Evaluator) run(prg *goja.Program, input map[string]any) (result any, err error) {
	vm := goja.New()
	vm.SetMaxCallStackSize(maxCallStack)

	// Setup runs no user code, but conversion of the input can still
	// panic on a goja bug; catch it like any other.
	var g *guard
	err = protect(vm, func() error {
		var err error
		if g, err = installGuards(vm, e.limits); err != nil {
			return err
		}
		if err := installConsole(vm); err != nil {
			return err
		}
		if err := installListGet(vm); err != nil {
			return err
		}
		in, err := toJS(vm, input, 0)
		if err != nil {
			return err
		}
		return vm.Set("$", in)
	})
	if err != nil {
		return nil, err
	}

	// From here on user code runs: under the watchdog, which is stopped
	// (and its tick waited for) before returning. Conversion of the result
	// runs getters and proxy traps, so it is watched too.
	w := startWatchdog(e.limits, g.abort)
	err = protect(vm, func() error {
		v, err := vm.RunProgram(prg)
		if err != nil {
			return err
		}
		x := newExporter(e.limits.MaxMemory)
		x.interrupted = g.interrupted
		result, err = x.export(v, 0)
		return err
	})
	w.stop()
	if err != nil {
		return nil, err
	}
	return result, nil
}

// protect runs f, turning a JavaScript exception, an interrupt or a panic
// escaping goja into an error wrapping one of the package sentinels.
// Recovering an arbitrary panic is deliberate: the runtime is discarded
// after the call, and a bug in the engine must fail the task, not the
// process.
func protect(vm *goja.Runtime, f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = jsError(e)
			} else {
				err = fmt.Errorf("%w: internal error: %v", ErrScript, r)
			}
		}
	}()
	if ex := vm.Try(func() { err = f() }); ex != nil {
		return jsError(ex)
	}
	return jsError(err)
}

// jsError maps goja's errors to the package sentinels. The goja error
// values are not returned: they would keep the runtime's stack alive.
func jsError(err error) error {
	var (
		ie *goja.InterruptedError
		so *goja.StackOverflowError
		ex *goja.Exception
	)
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ie):
		if v, ok := ie.Value().(error); ok {
			return v // the watchdog's or a guard's error
		}
		return fmt.Errorf("%w: interrupted: %v", ErrScript, ie.Value())
	case errors.As(err, &so):
		return fmt.Errorf("%w: RangeError: Maximum call stack size exceeded", ErrScript)
	case errors.As(err, &ex):
		return fmt.Errorf("%w: %s", ErrScript, exceptionMessage(ex))
	case errors.Is(err, ErrScript), errors.Is(err, ErrTimeout), errors.Is(err, ErrMemory):
		return err
	}
	return fmt.Errorf("%w: %v", ErrScript, err)
}

// exceptionMessage is the thrown value as text ("Error: boom") and where
// in the script it was thrown, if in the script and not in a builtin.
func exceptionMessage(ex *goja.Exception) string {
	msg := "exception"
	if v := ex.Value(); v != nil {
		msg = v.String()
	}
	for _, f := range ex.Stack() {
		if p := f.Position(); f.SrcName() == scriptName && p.Line > 0 {
			return fmt.Sprintf("%s (at line %d, column %d)", msg, p.Line, p.Column)
		}
	}
	return msg
}

// installConsole defines console.log and friends as no-ops: GraalJS has a
// console, scripts written for Conductor call it, and an evaluation has
// nowhere to log to.
func installConsole(vm *goja.Runtime) error {
	console := vm.NewObject()
	noop := vm.ToValue(func(goja.FunctionCall) goja.Value { return goja.Undefined() })
	for _, name := range []string{"log", "info", "warn", "error", "debug", "trace"} {
		if err := console.Set(name, noop); err != nil {
			return err
		}
	}
	return vm.Set("console", console)
}
