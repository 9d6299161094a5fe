package script

import (
	"bufio"
	"errors"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"
)

// slack is how much later than the limit a call may return. Generous: the
// race detector slows goja several times over.
const slack = 2 * time.Second

func TestTimeout(t *testing.T) {
	const timeout = 200 * time.Millisecond
	e := newEvaluator(t, Limits{Timeout: timeout})
	for _, s := range []string{
		"while (true) {}",
		"for (;;) { try { while (true) {} } catch (e) {} finally {} }",
		"function f() { while (true) {} } f()",
		"[1, 2].map(function () { while (true) {} })",
		"({get a() { while (true) {} }})",                      // runs while the result is converted
		"Promise.resolve().then(() => { while (true) {} }); 1", // runs after the program
		"var i = 0; while (true) { i++ }",
	} {
		start := time.Now()
		_, err := e.JS(s, nil)
		elapsed := time.Since(start)
		if !errors.Is(err, ErrTimeout) {
			t.Errorf("JS(%q): err = %v, want ErrTimeout", s, err)
		}
		if elapsed < timeout || elapsed > timeout+slack {
			t.Errorf("JS(%q) returned after %v, want about %v", s, elapsed, timeout)
		}
	}
	if _, err := e.Lambda("while (true) {}", nil); !errors.Is(err, ErrTimeout) {
		t.Errorf("Lambda: err = %v, want ErrTimeout", err)
	}
	for _, q := range []string{
		"last(range(1e18))",
		"reduce range(1e18) as $i (0; . + $i)",
		"[limit(3; repeat(1))], last(repeat(1))",
	} {
		start := time.Now()
		_, err := e.JQ(q, nil)
		elapsed := time.Since(start)
		if !errors.Is(err, ErrTimeout) {
			t.Errorf("JQ(%q): err = %v, want ErrTimeout", q, err)
		}
		if elapsed < timeout || elapsed > timeout+slack {
			t.Errorf("JQ(%q) returned after %v, want about %v", q, elapsed, timeout)
		}
	}
	// Converting a large sparse array runs no script code, yet is stopped.
	quick := newEvaluator(t, Limits{Timeout: 20 * time.Millisecond})
	if _, err := quick.JS("var a = []; a.length = 4e6; a", nil); !errors.Is(err, ErrTimeout) {
		t.Errorf("sparse result: err = %v, want ErrTimeout", err)
	}
	// The evaluator is usable after a timeout.
	if v, err := e.JS("1 + 1", nil); err != nil || v != int64(2) {
		t.Fatalf("after timeouts: %v, %v", v, err)
	}
}

// TestMemory checks both kinds of memory limit: the watchdog (a script
// that retains more and more) and the guards (one builtin call that would
// build a huge value). The timeout is long so that the memory limit must
// be what stops them.
func TestMemory(t *testing.T) {
	// The watchdog cases use a smaller limit to run faster (the join
	// of a million holes takes tens of milliseconds, more under -race).
	small := newEvaluator(t, Limits{Timeout: time.Minute, MaxMemory: 16 << 20})
	for _, tc := range []struct{ name, script string }{
		{"retained strings", "var a = []; while (true) a.push(new Array(1e6).join('x'))"},
		{"retained objects", "var a = []; while (true) a.push({k: [1, 2, 3], s: 'v' + a.length})"},
		{"doubling string", "var s = 'x'; while (true) s += s"},
		{"deep recursion", "function f(a) { return f(a.concat([a.length])) } f([])"},
	} {
		t.Run("watchdog: "+tc.name, func(t *testing.T) {
			checkRSS(t, func() error {
				_, err := small.JS(tc.script, nil)
				return err
			})
		})
	}
	t.Run("watchdog: jq", func(t *testing.T) {
		checkRSS(t, func() error {
			_, err := small.JQ("[range(1e12)]", nil)
			return err
		})
	})
	e := newEvaluator(t, Limits{Timeout: time.Minute})
	for _, tc := range []struct{ name, script string }{
		{"default limit: retained strings", "var a = []; while (true) a.push('x'.repeat(1e6) + a.length)"},
		{"guard: repeat", "'x'.repeat(1e9)"},
		{"guard: repeat caught", "try { 'x'.repeat(1e9) } catch (e) { 'caught' }"},
		{"guard: repeat this object", "String.prototype.repeat.call({toString() { return 'xx' }}, 1e9)"},
		{"guard: repeat count object", "'x'.repeat({valueOf() { return 1e9 }})"},
		{"guard: padStart", "''.padStart(1e9, 'x')"},
		{"guard: padEnd", "'a'.padEnd(2 ** 31)"},
		{"guard: replace", "'x'.repeat(1e5).replace(/x/g, '$`')"},
		{"guard: replaceAll", "'x'.repeat(1e5).replaceAll('x', 'y'.repeat(1e3))"},
		{"guard: join separator", "new Array(1e6).join('x'.repeat(100))"},
		{"guard: join length", "var a = []; a.length = 1e9; a.join('')"},
		{"guard: join elements", "var s = 'x'.repeat(1e6), a = []; for (var i = 0; i < 1000; i++) a.push(s); a.join('')"},
		{"guard: toString", "var s = 'x'.repeat(1e6), a = []; for (var i = 0; i < 1000; i++) a.push(s); '' + a"},
		{"guard: fill", "new Array(1e8).fill(0)"},
		{"result: sparse array", "var a = []; a.length = 1e9; a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkRSS(t, func() error {
				_, err := e.JS(tc.script, nil)
				return err
			})
		})
	}
	for _, tc := range []struct{ name, query string }{
		{"guard: repeat", `"x" * 1e9`},
		{"guard: repeat reversed", `1e9 * "xy"`},
		{"guard: update multiply", `.s *= 1e9`},
		{"result", `["x" * 3e7, "y" * 3e7, "z" * 1e7]`},
	} {
		t.Run("jq "+tc.name, func(t *testing.T) {
			checkRSS(t, func() error {
				_, err := e.JQ(tc.query, map[string]any{"s": "ab"})
				return err
			})
		})
	}
	// A guard refusal is catchable in jq, since nothing was allocated.
	if r, err := e.JQ(`try ("x" * 1e9) catch "refused"`, nil); err != nil || len(r) != 1 || r[0] != "refused" {
		t.Fatalf("caught repeat: %v, %v", r, err)
	}
}

// TestMemoryLimitSmall checks that a smaller MaxMemory is honoured.
func TestMemoryLimitSmall(t *testing.T) {
	e := newEvaluator(t, Limits{MaxMemory: 1 << 20, Timeout: time.Minute})
	if _, err := e.JS("'x'.repeat(1 << 20)", nil); !errors.Is(err, ErrMemory) {
		t.Fatalf("err = %v, want ErrMemory", err)
	}
	if v, err := e.JS("'x'.repeat(1000).length", nil); err != nil || v != int64(1000) {
		t.Fatalf("small repeat: %v, %v", v, err)
	}
}

// maxRSSGrowth is how far one runaway case may raise the process's RSS.
// Unchecked, each case in TestMemory would reach gigabytes; stopped, none
// adds more than about 130 MiB locally (a join building up to the 32M-unit
// string limit, or a string doubling in one uninterruptible concatenation).
const maxRSSGrowth = 400 << 20

// checkRSS runs f, which must fail with ErrMemory, and checks the growth of
// the process's peak RSS while it runs. Linux only (it resets the peak
// through /proc/self/clear_refs), and not under the race detector, whose
// shadow memory multiplies RSS.
func checkRSS(t *testing.T, f func() error) {
	t.Helper()
	// Start from a heap returned to the OS, so that earlier cases'
	// freed memory does not count.
	debug.FreeOSMemory()
	measure := !raceEnabled && os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	before := procStatus("VmRSS:")
	start := time.Now()
	err := f()
	if !errors.Is(err, ErrMemory) {
		t.Fatalf("err = %v, want ErrMemory", err)
	}
	peak := procStatus("VmHWM:")
	t.Logf("%v after %v; peak RSS %d MiB, %d MiB above the start", err, time.Since(start), peak>>20, (peak-before)>>20)
	if measure && before > 0 && peak-before > maxRSSGrowth {
		t.Errorf("peak RSS grew by %d MiB, want at most %d MiB", (peak-before)>>20, maxRSSGrowth>>20)
	}
}

// procStatus reads a size field ("VmRSS:", "VmHWM:") of
// /proc/self/status in bytes, or 0 where /proc is not available.
func procStatus(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), field); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
