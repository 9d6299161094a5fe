package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// clockTicks is USER_HZ, the unit of utime/stime in /proc/PID/stat. It is
// 100 on every Linux architecture Go supports.
const clockTicks = 100

// procSample is one reading of a process's counters.
type procSample struct {
	at     time.Time
	cpu    time.Duration // user + system time so far
	rss    int64         // bytes (VmRSS)
	hwm    int64         // bytes (VmHWM, peak RSS since the process started)
	exists bool
}

func readProc(pid int) (procSample, error) {
	s := procSample{at: time.Now()}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return s, err
	}
	// The command name in field 2 may hold spaces and parentheses; the
	// fields after the last ')' are fixed: state is field 3, utime 14,
	// stime 15.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return s, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 13 {
		return s, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return s, fmt.Errorf("/proc/%d/stat: bad utime/stime", pid)
	}
	s.cpu = time.Duration(utime+stime) * time.Second / clockTicks

	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, err
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch k {
		case "VmRSS":
			s.rss = parseKB(v)
		case "VmHWM":
			s.hwm = parseKB(v)
		}
	}
	s.exists = true
	return s, nil
}

// readWriteBytes reads write_bytes from /proc/PID/io: the bytes the
// process caused to be sent to storage (page-cache writes count when
// dirtied, so this includes what the kernel flushes later; socket writes
// do not count, unlike wchar).
func readWriteBytes(pid int) (int64, error) {
	io, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.SplitSeq(string(io), "\n") {
		if v, ok := strings.CutPrefix(line, "write_bytes:"); ok {
			return strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		}
	}
	return 0, fmt.Errorf("/proc/%d/io: no write_bytes", pid)
}

// parseKB parses a /proc/PID/status value like "  12345 kB" into bytes.
func parseKB(v string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
	return n * 1024
}

// sampler reads a process's counters periodically and keeps the largest
// RSS seen. A zero pid makes every method a no-op.
type sampler struct {
	pid  int
	stop chan struct{}
	done chan struct{}

	mu     sync.Mutex
	maxRSS int64
	last   procSample
	err    error
}

func startSampler(pid int, every time.Duration) *sampler {
	s := &sampler{pid: pid, stop: make(chan struct{}), done: make(chan struct{})}
	if pid == 0 {
		close(s.done)
		return s
	}
	s.sample()
	go func() {
		defer close(s.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				s.sample()
			}
		}
	}()
	return s
}

// sample takes a reading now and returns it.
func (s *sampler) sample() procSample {
	if s.pid == 0 {
		return procSample{}
	}
	p, err := readProc(s.pid)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		if s.err == nil {
			s.err = err
		}
		return p
	}
	s.last = p
	s.maxRSS = max(s.maxRSS, p.rss)
	return p
}

// Close stops the sampling goroutine and waits for it.
func (s *sampler) Close() {
	if s.pid != 0 {
		select {
		case <-s.stop:
		default:
			close(s.stop)
		}
	}
	<-s.done
}

func (s *sampler) MaxRSS() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxRSS
}

func (s *sampler) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// cpuUse describes the CPU a process used between two samples.
func cpuUse(a, b procSample) string {
	if !a.exists || !b.exists {
		return "n/a"
	}
	used := b.cpu - a.cpu
	wall := b.at.Sub(a.at)
	pct := 0.0
	if wall > 0 {
		pct = 100 * used.Seconds() / wall.Seconds()
	}
	return fmt.Sprintf("%.2f s over %.2f s wall (%.0f%% of one core)", used.Seconds(), wall.Seconds(), pct)
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
