// Command loadgen drives a Legato server over its Conductor REST API and
// prints throughput, latency and server resource figures.
//
// Modes:
//
//	throughput  start -workflows order_fulfillment workflows, keeping
//	            -concurrency in flight, and work their three tasks with
//	            pkg/client workers; report completed workflows/s and
//	            start-to-complete latency.
//	            With -fail-rate, that share of first attempts fail and
//	            are retried at once.
//	idle        start -idle-workflows idle_probe workflows whose only task is
//	            never polled; report the start rate and the server's memory
//	            and CPU while holding them.
//	timers      start -timer-workflows timer_probe workflows, one
//	            WAIT(-wait) each, as fast as possible; report how late their
//	            timers fired (read back for a -timer-sample of them) and the
//	            server's memory.
//	fanout      for each of -fanout-sizes, one fanout_probe workflow whose
//	            FORK_JOIN_DYNAMIC forks that many SIMPLE tasks, worked by
//	            batch-polling workers; report the time to COMPLETED and the
//	            server's CPU per branch, bytes written per task event and
//	            peak RSS, against the CPU per task of a -fanout-baseline
//	            throughput run.
//	loop        one loop_probe workflow, a DO_WHILE of -loop-iterations
//	            SIMPLE tasks keeping the last 10; report the time per
//	            iteration for each thousand, first against last, and the
//	            server's CPU per iteration and peak RSS.
//
// With -server-pid the server's CPU time and RSS are sampled from /proc.
// See loadtest/README.md and loadtest/bench.sh.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type config struct {
	addr           string
	mode           string
	workflows      int
	concurrency    int
	workers        int
	batch          int
	serverPID      int
	idleWorkflows  int
	idleSettle     time.Duration
	failRate       float64
	timerWorkflows int
	wait           time.Duration
	timerSample    float64
	fanoutSizes    []int
	fanoutTimeout  time.Duration
	fanoutBaseline int
	loopIterations int
	confirm        float64
	stall          time.Duration
	readyTimeout   time.Duration
	workerID       string
	out            io.Writer // where the report goes: stdout
}

func main() {
	cfg := config{out: os.Stdout}
	flag.StringVar(&cfg.addr, "addr", "http://127.0.0.1:8080", "server base URL")
	flag.StringVar(&cfg.mode, "mode", "throughput", "throughput | idle | timers | fanout | loop")
	flag.IntVar(&cfg.workflows, "workflows", 20000, "throughput: workflows to run")
	flag.IntVar(&cfg.concurrency, "concurrency", 200, "workflows in flight (throughput) or concurrent starters (idle)")
	flag.IntVar(&cfg.workers, "workers", 4, "throughput, fanout, loop: poller goroutines per task type")
	flag.IntVar(&cfg.batch, "batch", 64, "throughput, fanout, loop: tasks asked for per poll")
	flag.IntVar(&cfg.serverPID, "server-pid", 0, "if set, sample CPU and RSS of this process from /proc")
	flag.IntVar(&cfg.idleWorkflows, "idle-workflows", 100000, "idle: workflows to start")
	flag.DurationVar(&cfg.idleSettle, "idle-settle", 5*time.Second, "idle: how long to watch the server after the last start")
	flag.Float64Var(&cfg.failRate, "fail-rate", 0, "throughput: fraction of first task attempts that fail (and are retried at once)")
	flag.IntVar(&cfg.timerWorkflows, "timer-workflows", 100000, "timers: WAIT workflows to start")
	flag.DurationVar(&cfg.wait, "wait", 10*time.Second, "timers: the WAIT duration (whole seconds)")
	flag.Float64Var(&cfg.timerSample, "timer-sample", 0.1, "timers: fraction of the workflows read back for their timer lateness")
	flag.Func("fanout-sizes", "fanout: comma-separated branch counts, one workflow each (default 1000,10000,100000)", func(v string) error {
		sizes, err := parseSizes(v)
		cfg.fanoutSizes = sizes
		return err
	})
	flag.DurationVar(&cfg.fanoutTimeout, "fanout-timeout", 5*time.Minute, "fanout: give up on a size after this long")
	flag.IntVar(&cfg.fanoutBaseline, "fanout-baseline", 2000, "fanout: order_fulfillment workflows run first for the CPU per task to compare with (0: none)")
	flag.IntVar(&cfg.loopIterations, "loop-iterations", 10000, "loop: DO_WHILE iterations")
	flag.Float64Var(&cfg.confirm, "confirm", 0.01, "throughput: fraction of completed workflows to re-read and check")
	flag.DurationVar(&cfg.stall, "stall", 60*time.Second, "give up when no workflow (loop: iteration) completes for this long")
	flag.DurationVar(&cfg.readyTimeout, "ready-timeout", 30*time.Second, "wait this long for GET /health before starting")
	flag.StringVar(&cfg.workerID, "worker-id", "", "worker id sent with polls (default loadgen-<pid>)")
	cpuProfile := flag.String("cpuprofile", "", "write loadgen's own CPU profile to this file")
	freePort := flag.Bool("free-port", false, "print a free TCP port on 127.0.0.1 and exit (used by bench.sh)")
	flag.Parse()
	if cfg.fanoutSizes == nil {
		cfg.fanoutSizes = defaultFanoutSizes
	}

	if *freePort {
		port, err := pickFreePort()
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(1)
		}
		fmt.Println(port)
		return
	}
	if err := cfg.validate(); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		flag.Usage()
		os.Exit(2)
	}
	if cfg.workerID == "" {
		cfg.workerID = fmt.Sprintf("loadgen-%d", os.Getpid())
	}

	if *cpuProfile != "" {
		stopProfile, err := startCPUProfile(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(1)
		}
		defer stopProfile()
	}

	if os.Getenv("GOGC") == "" {
		// Like the server, loadgen allocates per request; it shares the
		// machine's cores with the server it measures, and Go's default
		// GOGC=100 spent ~20% of its CPU collecting.
		debug.SetGCPercent(400)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, cfg)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// startCPUProfile profiles loadgen itself (its CPU competes with the
// server's on one machine) until the returned function is called.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// modes are the values of -mode.
var modes = []string{"throughput", "idle", "timers", "fanout", "loop"}

var defaultFanoutSizes = []int{1000, 10000, 100000}

// parseSizes parses -fanout-sizes: positive counts separated by commas.
func parseSizes(v string) ([]int, error) {
	var sizes []int
	for f := range strings.SplitSeq(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive count", f)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}

func (c *config) validate() error {
	c.addr = strings.TrimRight(c.addr, "/")
	switch {
	case !slices.Contains(modes, c.mode):
		return fmt.Errorf("-mode %q: want one of %s", c.mode, strings.Join(modes, ", "))
	case c.workflows < 1:
		return fmt.Errorf("-workflows %d: want at least 1", c.workflows)
	case c.idleWorkflows < 1:
		return fmt.Errorf("-idle-workflows %d: want at least 1", c.idleWorkflows)
	case c.concurrency < 1:
		return fmt.Errorf("-concurrency %d: want at least 1", c.concurrency)
	case c.workers < 1:
		return fmt.Errorf("-workers %d: want at least 1", c.workers)
	case c.batch < 1:
		return fmt.Errorf("-batch %d: want at least 1", c.batch)
	case c.failRate < 0 || c.failRate >= 1:
		return fmt.Errorf("-fail-rate %v: want a fraction in [0,1)", c.failRate)
	case c.timerWorkflows < 1:
		return fmt.Errorf("-timer-workflows %d: want at least 1", c.timerWorkflows)
	case c.wait < time.Second || c.wait%time.Second != 0:
		return fmt.Errorf("-wait %v: want whole seconds, at least 1s", c.wait)
	case c.timerSample <= 0 || c.timerSample > 1:
		return fmt.Errorf("-timer-sample %v: want a fraction in (0,1]", c.timerSample)
	case c.confirm < 0 || c.confirm > 1:
		return fmt.Errorf("-confirm %v: want a fraction in [0,1]", c.confirm)
	case len(c.fanoutSizes) == 0:
		return errors.New("-fanout-sizes: want at least one size")
	case c.fanoutTimeout <= 0:
		return fmt.Errorf("-fanout-timeout %v: want a positive duration", c.fanoutTimeout)
	case c.fanoutBaseline < 0:
		return fmt.Errorf("-fanout-baseline %d: want 0 or more", c.fanoutBaseline)
	case c.loopIterations < 1:
		return fmt.Errorf("-loop-iterations %d: want at least 1", c.loopIterations)
	case c.serverPID < 0:
		return fmt.Errorf("-server-pid %d: want a process id", c.serverPID)
	}
	return nil
}

func run(ctx context.Context, cfg config) error {
	if err := waitReady(ctx, cfg.addr, cfg.readyTimeout); err != nil {
		return err
	}
	switch cfg.mode {
	case "idle":
		return runIdle(ctx, cfg)
	case "timers":
		return runTimers(ctx, cfg)
	case "fanout":
		return runFanout(ctx, cfg)
	case "loop":
		return runLoop(ctx, cfg)
	default:
		return runThroughput(ctx, cfg)
	}
}

// waitReady polls GET /health until the server answers 200.
func waitReady(ctx context.Context, addr string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	hc := &http.Client{Timeout: time.Second}
	defer hc.CloseIdleConnections()
	var last error
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, addr+"/health", nil)
		if err != nil {
			return err
		}
		resp, err := hc.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("GET /health: %s", resp.Status)
		}
		last = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("server at %s not ready after %v: %w", addr, timeout, errors.Join(last, ctx.Err()))
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func pickFreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
