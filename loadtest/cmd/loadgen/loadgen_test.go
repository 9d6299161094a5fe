package main

import (
	"os"
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
		timerWorkflows: 1, wait: time.Second, timerSample: 1}
	if err := ok.validate(); err != nil || ok.addr != "http://h" {
		t.Fatalf("validate: %v, addr %q", err, ok.addr)
	}
	bad := ok
	bad.mode = "fast"
	if err := bad.validate(); err == nil || !strings.Contains(err.Error(), "-mode") {
		t.Fatalf("bad mode: %v", err)
	}
	for flag, c := range map[string]config{
		"-fail-rate": func() config { c := ok; c.failRate = 1; return c }(),
		"-wait":      func() config { c := ok; c.wait = 1500 * time.Millisecond; return c }(),
	} {
		if err := c.validate(); err == nil || !strings.Contains(err.Error(), flag) {
			t.Errorf("bad %s: %v", flag, err)
		}
	}
}
