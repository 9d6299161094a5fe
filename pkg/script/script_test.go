package script

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any test leaves a goroutine behind: the
// watchdog must never outlive a call.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// checkErr reports whether err matches the expectation: nil for want nil,
// else errors.Is(err, want) and the message containing msg.
func checkErr(t *testing.T, err, want error, msg string) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != nil && !errors.Is(err, want):
		t.Fatalf("error = %v, want %v", err, want)
	case want != nil && !strings.Contains(err.Error(), msg):
		t.Fatalf("error = %q, want it to contain %q", err, msg)
	}
}

// newEvaluator is New that fails the test on an error.
func newEvaluator(tb testing.TB, l Limits) *Evaluator {
	tb.Helper()
	e, err := New(l)
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

func TestLimitsDefaults(t *testing.T) {
	if got := newEvaluator(t, Limits{}).Limits(); got != (Limits{Timeout: DefaultTimeout, MaxMemory: DefaultMaxMemory}) {
		t.Fatalf("defaults = %+v", got)
	}
	if got := newEvaluator(t, Limits{MaxMemory: 1 << 20}).Limits(); got.Timeout != DefaultTimeout || got.MaxMemory != 1<<20 {
		t.Fatalf("limits = %+v", got)
	}
}

// TestLimitsValidate: a bad field is named with its value.
func TestLimitsValidate(t *testing.T) {
	for _, c := range []struct {
		l    Limits
		want string
	}{
		{Limits{Timeout: -1}, "script: invalid limits: Limits.Timeout is -1ns, want >= 0"},
		{Limits{MaxMemory: -5}, "script: invalid limits: Limits.MaxMemory is -5, want >= 0"},
	} {
		_, err := New(c.l)
		if !errors.Is(err, ErrInvalidLimits) || err.Error() != c.want {
			t.Errorf("New(%+v) = %v, want %q", c.l, err, c.want)
		}
	}
}

func TestCacheBounded(t *testing.T) {
	e := newEvaluator(t, Limits{})
	for i := range cacheEntries + 100 {
		if _, err := e.JS(fmt.Sprintf("%d + 1", i), nil); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.programs.len(); n != cacheEntries {
		t.Fatalf("cache holds %d programs, want %d", n, cacheEntries)
	}
	// A compile error is cached like a program.
	_, err1 := e.JS("1 +", nil)
	_, err2 := e.JS("1 +", nil)
	if err1 == nil || err1 != err2 {
		t.Fatalf("errors %v and %v, want the same cached error", err1, err2)
	}
}

// TestConcurrent runs one Evaluator from many goroutines on shared input;
// run it with -race.
func TestConcurrent(t *testing.T) {
	e := newEvaluator(t, Limits{})
	in := map[string]any{
		"amount": 150.0,
		"items":  []any{map[string]any{"id": "a"}, map[string]any{"id": "b"}},
	}
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for g := range 50 {
		wg.Go(func() {
			for i := range 20 {
				v, err := e.JS(fmt.Sprintf("$.amount > 100 ? 'big%d' : 'small'", i%3), in)
				if err != nil || v != fmt.Sprintf("big%d", i%3) {
					errs <- fmt.Errorf("goroutine %d: JS = %v, %v", g, v, err)
					return
				}
				v, err = e.Lambda("$.items.push({id: 'c'}); return $.items.length", in)
				if err != nil || v != int64(3) {
					errs <- fmt.Errorf("goroutine %d: Lambda = %v, %v", g, v, err)
					return
				}
				r, err := e.JQ("[.items[].id]", in)
				if err != nil || !reflect.DeepEqual(r, []any{[]any{"a", "b"}}) {
					errs <- fmt.Errorf("goroutine %d: JQ = %v, %v", g, r, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
