package main

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestTrackerIndexAndFinish(t *testing.T) {
	tr := newTracker(3, 2)
	<-tr.slots
	<-tr.slots
	for i := range 3 {
		got, ok := tr.index(tr.orderID(i))
		if !ok || got != i {
			t.Fatalf("index(orderID(%d)) = %d, %v", i, got, ok)
		}
	}
	for _, bad := range []string{"", "other-1", tr.runID + "-3", tr.runID + "-x", tr.runID + "--1"} {
		if _, ok := tr.index(bad); ok {
			t.Errorf("index(%q) accepted", bad)
		}
	}
	tr.finish(0, 5)
	tr.finish(0, 6) // a redelivered ship task: ignored
	tr.finish(1, failedStart)
	if got := len(tr.slots); got != 2 {
		t.Fatalf("%d free slots, want 2", got)
	}
	<-tr.slots
	tr.finish(2, 9)
	select {
	case <-tr.allEnded:
	default:
		t.Fatal("allEnded not closed after every workflow ended")
	}
	if tr.completed.Load() != 2 || tr.startErrors.Load() != 1 || tr.lastEnd.Load() != 9 {
		t.Fatalf("completed %d, start errors %d, last end %d", tr.completed.Load(), tr.startErrors.Load(), tr.lastEnd.Load())
	}
}

func TestLatencies(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	want := "p50 50ms  p90 90ms  p99 99ms  max 100ms"
	if got := latencies(ds); got != want {
		t.Fatalf("latencies = %q, want %q", got, want)
	}
	if got := latencies(nil); got != "n/a" {
		t.Fatalf("latencies(nil) = %q", got)
	}
}

func TestReadProcSelf(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	s, err := readProc(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if !s.exists || s.rss <= 0 || s.hwm < s.rss {
		t.Fatalf("sample %+v", s)
	}
}

func TestConfigValidate(t *testing.T) {
	ok := config{addr: "http://h/", mode: "idle", workflows: 1, idleWorkflows: 1, concurrency: 1, workers: 1, batch: 1, confirm: 0.5,
		timerWorkflows: 1, wait: time.Second, timerSample: 1, fanoutSizes: []int{1}, fanoutTimeout: time.Second, loopIterations: 1}
	if err := ok.validate(); err != nil || ok.addr != "http://h" {
		t.Fatalf("validate: %v, addr %q", err, ok.addr)
	}
	bad := ok
	bad.mode = "fast"
	if err := bad.validate(); err == nil || !strings.Contains(err.Error(), "-mode") {
		t.Fatalf("bad mode: %v", err)
	}
	for flag, c := range map[string]config{
		"-fail-rate":       func() config { c := ok; c.failRate = 1; return c }(),
		"-wait":            func() config { c := ok; c.wait = 1500 * time.Millisecond; return c }(),
		"-fanout-sizes":    func() config { c := ok; c.fanoutSizes = nil; return c }(),
		"-loop-iterations": func() config { c := ok; c.loopIterations = 0; return c }(),
	} {
		if err := c.validate(); err == nil || !strings.Contains(err.Error(), flag) {
			t.Errorf("bad %s: %v", flag, err)
		}
	}
}

func TestParseSizes(t *testing.T) {
	got, err := parseSizes("20, 50,1000")
	if err != nil || !slices.Equal(got, []int{20, 50, 1000}) {
		t.Fatalf("parseSizes = %v, %v", got, err)
	}
	for _, bad := range []string{"", "10,", "x", "0", "-5"} {
		if _, err := parseSizes(bad); err == nil {
			t.Errorf("parseSizes(%q) accepted", bad)
		}
	}
}

func TestBranchIndexAndCountJoined(t *testing.T) {
	out := map[string]any{"b0": map[string]any{"branch": "b0"}, "b1": map[string]any{"branch": "b0"},
		"b2": map[string]any{}, "b9": map[string]any{"branch": "b9"}, "x": map[string]any{"branch": "x"}}
	if got := countJoined(out, 3); got != 1 {
		t.Fatalf("countJoined = %d, want 1 (only b0 holds its own output within 3 branches)", got)
	}
	for _, bad := range []string{"b", "b-1", "b3", "c1", "bx"} {
		if _, ok := branchIndex(bad, 3); ok {
			t.Errorf("branchIndex(%q) accepted", bad)
		}
	}
}
