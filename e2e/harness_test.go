// Package e2e tests the real legato binary end to end: TestMain builds
// ./cmd/legato once (with -race when the tests run with -race), each test
// starts `legato server` processes on random ports of 127.0.0.1 and talks
// to them over HTTP, raw (call_test.go) where the wire format is the point
// and through pkg/client (server.client) otherwise. Tests wait for
// conditions (await_test.go), never for time, except where the time
// passing is what a test checks; each such sleep says so.
//
// Helpers are grouped by purpose: harness_test.go (the binary and its
// servers), call_test.go (raw HTTP), await_test.go (waiting on
// conditions), workflow_test.go (the one workflow view), workers_test.go
// (HTTP workers), orderflow_test.go (the quickstart workflow), and
// replay_test.go (the fold(history) == state check); the other files are
// tests grouped by feature.
package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/client"
	"go.uber.org/goleak"
)

// legatoBin is the binary under test, built once by TestMain (with -race
// when the tests run with -race).
var legatoBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "legato-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	legatoBin = filepath.Join(dir, "legato")
	args := []string{"build", "-o", legatoBin}
	if raceEnabled {
		args = append(args, "-race")
	}
	// The package path, not a directory: the build works from any working
	// directory inside the module.
	build := exec.Command("go", append(args, "github.com/legatohq/legato/cmd/legato")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building legato:", err)
		os.Exit(1)
	}
	code := m.Run()
	if code == 0 {
		// Kept-alive HTTP connections of the clients are not leaks.
		if err := goleak.Find(goleak.IgnoreAnyFunction("net/http.(*persistConn).readLoop"),
			goleak.IgnoreAnyFunction("net/http.(*persistConn).writeLoop")); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is one running `legato server` process on a random port.
type server struct {
	t    *testing.T
	cmd  *exec.Cmd
	URL  string
	Data string
	done chan struct{}
	mu   sync.Mutex
	log  strings.Builder
	// logged is closed and replaced (under mu) each time a line is added
	// to log, so awaitLog waits on a channel instead of polling.
	logged chan struct{}
}

var readyLine = regexp.MustCompile(`legato server ready.* addr=(\S+)`)

// startServer runs the real binary on a free port with data in dataDir
// (a new temp dir when empty) and waits until /health answers.
func startServer(t *testing.T, dataDir string, extraArgs ...string) *server {
	t.Helper()
	if dataDir == "" {
		dataDir = t.TempDir()
	}
	args := append([]string{"server", "--addr", "127.0.0.1:0", "--data", dataDir}, extraArgs...)
	s := &server{t: t, cmd: exec.Command(legatoBin, args...), Data: dataDir, done: make(chan struct{}), logged: make(chan struct{})}
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.log.WriteString(line + "\n")
			close(s.logged)
			s.logged = make(chan struct{})
			s.mu.Unlock()
			if m := readyLine.FindStringSubmatch(line); m != nil {
				addr <- m[1]
			}
		}
		io.Copy(io.Discard, stderr)
		s.cmd.Wait()
	}()
	t.Cleanup(func() { s.kill() })
	select {
	case a := <-addr:
		s.URL = "http://" + a
	case <-s.done:
		t.Fatalf("server exited before it was ready:\n%s", s.output())
	case <-time.After(60 * time.Second):
		t.Fatalf("server not ready after 60s:\n%s", s.output())
	}
	resp, err := http.Get(s.URL + "/health")
	if err != nil {
		t.Fatalf("health: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("health: %s", resp.Status)
	}
	return s
}

func (s *server) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// awaitLog waits until the server has logged a line containing substr,
// and fails the test with the log when it has not within d.
func (s *server) awaitLog(substr string, d time.Duration) {
	s.t.Helper()
	timeout := time.After(d)
	for {
		s.mu.Lock()
		found, logged := strings.Contains(s.log.String(), substr), s.logged
		s.mu.Unlock()
		if found {
			return
		}
		select {
		case <-logged:
		case <-timeout:
			s.t.Fatalf("no log line containing %q after %s:\n%s", substr, d, s.output())
		}
	}
}

// kill stops the server the hard way (kill -9) and waits for it.
func (s *server) kill() {
	if s.cmd.Process != nil {
		s.cmd.Process.Kill()
	}
	<-s.done
}

// restart kills the server with SIGKILL and starts a new one on the same
// data directory and address, as a crashed host would come back.
func (s *server) restart() *server {
	s.t.Helper()
	s.kill()
	return startServer(s.t, s.Data, "--addr", strings.TrimPrefix(s.URL, "http://"))
}

// stop asks the server to shut down cleanly and waits for it.
func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	<-s.done
}

func (s *server) client() *client.Client { return client.New(s.URL) }

func testCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
