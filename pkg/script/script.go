package script

import (
	"errors"
	"fmt"
	"time"

	"github.com/dop251/goja"
	"github.com/itchyny/gojq"
)

// Errors returned by the Evaluator. Test them with errors.Is; the wrapped
// message carries the detail (the JavaScript or jq message, the limit hit).
var (
	ErrTimeout = errors.New("script: time limit exceeded")
	ErrMemory  = errors.New("script: memory limit exceeded")
	ErrScript  = errors.New("script: evaluation failed")
	// ErrInvalidLimits is wrapped by Limits.Validate and New.
	ErrInvalidLimits = errors.New("script: invalid limits")
)

// Defaults for the zero Limits.
const (
	// DefaultTimeout is Conductor's limit for an INLINE script.
	DefaultTimeout = 4 * time.Second
	// DefaultMaxMemory bounds the heap growth one evaluation may cause.
	DefaultMaxMemory = 64 << 20
)

// Fixed bounds that keep a hostile script from crashing the process. They
// are not Limits because no sane script comes near them.
const (
	// maxCallStack bounds JavaScript call depth; deeper recursion throws
	// RangeError like V8 or GraalJS would.
	maxCallStack = 10000
	// maxDepth bounds the nesting of values converted in or out, and of
	// JSON text given to JSON.parse.
	maxDepth = 10000
	// maxSourceNesting bounds bracket and operator nesting in script and
	// query text: goja's parser recurses on the Go stack and a deep enough
	// nest is a fatal (unrecoverable) stack overflow.
	maxSourceNesting = 1000
	// maxNativeNesting bounds how deep guarded builtins (join,
	// toLocaleString) may recurse into each other through nested arrays.
	maxNativeNesting = 1000
	// cacheEntries bounds each compiled-program cache.
	cacheEntries = 1024
	// maxCachedSource: longer texts are compiled on every call rather than
	// pinned in the cache.
	maxCachedSource = 64 << 10
)

// Limits bound one evaluation. Zero fields mean the defaults.
type Limits struct {
	// Timeout bounds the wall time of one call. Default DefaultTimeout.
	Timeout time.Duration
	// MaxMemory is the heap growth in bytes one call is allowed to cause,
	// measured approximately (see the package documentation). It also
	// bounds the size of any single string a guarded builtin may build
	// (MaxMemory/2 UTF-16 units) and of the converted result. Default
	// DefaultMaxMemory.
	MaxMemory int64
}

// EnsureDefaults fills zero fields with their defaults.
func (l *Limits) EnsureDefaults() {
	if l.Timeout == 0 {
		l.Timeout = DefaultTimeout
	}
	if l.MaxMemory == 0 {
		l.MaxMemory = DefaultMaxMemory
	}
}

// Validate names the first bad field of defaulted Limits and its value.
func (l *Limits) Validate() error {
	switch {
	case l.Timeout < 0:
		return fmt.Errorf("%w: Limits.Timeout is %v, want >= 0", ErrInvalidLimits, l.Timeout)
	case l.MaxMemory < 0:
		return fmt.Errorf("%w: Limits.MaxMemory is %d, want >= 0", ErrInvalidLimits, l.MaxMemory)
	}
	return nil
}

// Evaluator evaluates JavaScript and jq. It is safe for concurrent use: the
// only shared state is the caches of compiled programs, which are immutable
// once built. Each JavaScript call runs in a fresh goja.Runtime.
type Evaluator struct {
	limits   Limits
	programs *cache[*goja.Program]
	queries  *cache[*gojq.Code]
	mul      *jqMul
}

// New returns an Evaluator with the given limits, defaults applied, or an
// error wrapping ErrInvalidLimits.
func New(l Limits) (*Evaluator, error) {
	l.EnsureDefaults()
	if err := l.Validate(); err != nil {
		return nil, err
	}
	mul, err := newJQMul(l)
	if err != nil {
		// A constant query that does not compile is a bug in this package.
		panic(fmt.Sprintf("script: compiling the jq multiply helper: %v", err))
	}
	return &Evaluator{
		limits:   l,
		programs: newCache[*goja.Program](cacheEntries),
		queries:  newCache[*gojq.Code](cacheEntries),
		mul:      mul,
	}, nil
}

// Limits returns the limits in force, defaults applied.
func (e *Evaluator) Limits() Limits { return e.limits }
