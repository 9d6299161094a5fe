package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// legatoBin is the real server, built once by TestMain from this
// repository, so that every mode runs tiny against it and cannot rot.
var legatoBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "loadgen-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	legatoBin = filepath.Join(dir, "legato")
	build := exec.Command("go", "build", "-o", legatoBin, "./cmd/legato")
	build.Dir = filepath.Join("..", "..", "..") // the repository root
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building legato:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	if code == 0 {
		// Every goroutine a mode starts must have ended with it.
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goroutines left behind:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// syncBuffer collects the server's log for a failing test's message.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runMode starts a fresh legato server on a free 127.0.0.1 port, runs
// loadgen's mode against it as bench.sh does and returns the report.
func runMode(t *testing.T, cfg config) string {
	t.Helper()
	port, err := pickFreePort()
	if err != nil {
		t.Fatal(err)
	}
	var log syncBuffer
	srv := exec.Command(legatoBin, "server", "--addr", fmt.Sprintf("127.0.0.1:%d", port), "--data", t.TempDir())
	srv.Stdout, srv.Stderr = &log, &log
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		srv.Process.Kill()
		srv.Wait()
	}()
	var report bytes.Buffer
	cfg.addr = fmt.Sprintf("http://127.0.0.1:%d", port)
	cfg.serverPID = srv.Process.Pid
	cfg.concurrency, cfg.workers, cfg.batch = 4, 2, 8
	cfg.confirm, cfg.stall, cfg.readyTimeout = 1, 30*time.Second, 60*time.Second
	cfg.workerID, cfg.out = "loadgen-test", &report
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, cfg); err != nil {
		t.Fatalf("loadgen -mode %s: %v\nreport:%s\nserver log:\n%s", cfg.mode, err, report.String(), log.String())
	}
	t.Log(report.String())
	return report.String()
}

// row returns the number in a report row matched by re's first group.
func row(t *testing.T, report string, re string) int {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(report)
	if m == nil {
		t.Fatalf("report has no row matching %q:\n%s", re, report)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func tinyConfig(mode string) config {
	return config{mode: mode, workflows: 12, idleWorkflows: 12, idleSettle: 100 * time.Millisecond,
		timerWorkflows: 12, wait: time.Second, timerSample: 1,
		fanoutSizes: []int{20, 50}, fanoutTimeout: time.Minute, fanoutBaseline: 12, loopIterations: 30}
}

func TestThroughputMode(t *testing.T) {
	r := runMode(t, tinyConfig("throughput"))
	if n := row(t, r, `workflows\s+(\d+) completed`); n != 12 {
		t.Fatalf("%d workflows completed, want 12", n)
	}
	row(t, r, `confirmed\s+(\d+) of 12 sampled`)
}

func TestThroughputModeWithFailures(t *testing.T) {
	cfg := tinyConfig("throughput")
	cfg.failRate = 0.5
	r := runMode(t, cfg)
	if n := row(t, r, `workflows\s+(\d+) completed`); n != 12 {
		t.Fatalf("%d workflows completed, want 12", n)
	}
	// 36 first attempts at one in two: none failing is a broken mode.
	if n := row(t, r, `failed attempts\s+(\d+) first attempts failed`); n == 0 {
		t.Fatal("no first attempt failed")
	}
	row(t, r, `start → complete\s+p50 \S+\s+p90 \S+\s+p99 (\d+)`)
}

func TestIdleMode(t *testing.T) {
	r := runMode(t, tinyConfig("idle"))
	if n := row(t, r, `started\s+(\d+) \(0 errors\)`); n != 12 {
		t.Fatalf("%d idle workflows started, want 12", n)
	}
}

func TestTimersMode(t *testing.T) {
	r := runMode(t, tinyConfig("timers"))
	if n := row(t, r, `completed\s+(\d+) of 12 read back COMPLETED by their timer`); n != 12 {
		t.Fatalf("%d timers read back, want 12", n)
	}
	row(t, r, `server rss\s+before (\d+)`)
	row(t, r, `timer lateness\s+p50 \S+\s+p90 \S+\s+p99 (\d+)`)
}

func TestFanoutMode(t *testing.T) {
	r := runMode(t, tinyConfig("fanout"))
	row(t, r, `cpu per task\s+\S+ \(throughput baseline above: (\d+) order_fulfillment`)
	row(t, r, `bytes per event\s+assumes (\d) task events per branch`)
	for _, n := range []int{20, 50} {
		size := fmt.Sprintf(`size\s+%d branches\n`, n)
		if got := row(t, r, size+`\s+result\s+COMPLETED in \S+ \(server startTime → endTime\); JOIN output has (\d+) of`); got != n {
			t.Fatalf("size %d: %d branches in the JOIN output", n, got)
		}
		row(t, r, size+`.*\n\s+cpu per branch\s+\S+; cpu per branch / cpu per task \d\S*; server cpu .* for (\d+) branches`)
		row(t, r, size+`.*\n.*\n\s+bytes per event\s+(\d+) \(`)
		row(t, r, size+`.*\n.*\n.*\n\s+peak rss\s+(\d+)`)
	}
}

func TestLoopMode(t *testing.T) {
	r := runMode(t, tinyConfig("loop"))
	if n := row(t, r, `result\s+COMPLETED in \S+ \(server startTime → endTime\); (\d+) iterations`); n != 30 {
		t.Fatalf("the DO_WHILE ran %d iterations, want 30", n)
	}
	if n := row(t, r, `iterations; (\d+) task rows kept`); n > 1+loopKeepLast {
		t.Fatalf("%d task rows kept, want at most %d", n, 1+loopKeepLast)
	}
	row(t, r, `iterations 28-30\s+(\d+)`)
	row(t, r, `first vs last\s+first (3) `)
	row(t, r, `server cpu\s+(\d+)\S* per iteration`)
	row(t, r, `server rss\s+max sampled (\d+)`)
}
