// Package lint holds the house rules that a test can enforce: the import
// layering of the design. It has no code of its own, and it runs `go list`
// rather than building anything, so `go test ./internal/lint` takes seconds.
package lint

import (
	"encoding/json"
	"io"
	"maps"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const mod = "github.com/legatohq/legato/"

// pkg is the part of `go list -json` the rules read.
type pkg struct {
	ImportPath string
	Standard   bool
	Imports    []string
}

// goList runs `go list -json` with args and returns the packages by path.
func goList(t *testing.T, args ...string) map[string]pkg {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-json"}, args...)...)
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list %s: %v\n%s", strings.Join(args, " "), err, ee.Stderr)
		}
		t.Fatalf("go list %s: %v", strings.Join(args, " "), err)
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			return pkgs
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
}

// TestLayering: pkg/ never imports services/, and no service imports
// another (services talk through the interfaces they own, so each can run
// in-process or remote). The rule names no service: a new one under
// services/ is covered as it appears.
func TestLayering(t *testing.T) {
	for _, p := range goList(t, mod+"...") {
		rel := strings.TrimPrefix(p.ImportPath, mod)
		for _, imp := range p.Imports {
			irel := strings.TrimPrefix(imp, mod)
			switch {
			case strings.HasPrefix(rel, "pkg/") && strings.HasPrefix(irel, "services/"):
				t.Errorf("%s imports %s: pkg/ must not import services/", rel, irel)
			case strings.HasPrefix(rel, "services/") && strings.HasPrefix(irel, "services/") &&
				strings.Split(rel, "/")[1] != strings.Split(irel, "/")[1]:
				t.Errorf("%s imports %s: services talk through interfaces they own", rel, irel)
			}
		}
	}
}

// TestHistoryRunsNoSystemTasks: the shard owners run no system task
// (services/systask does), so history links neither the HTTP nor the
// Kafka client.
func TestHistoryRunsNoSystemTasks(t *testing.T) {
	for dep := range goList(t, "-deps", mod+"services/history") {
		if dep == mod+"pkg/httptask" || dep == mod+"pkg/kafkatask" || strings.HasPrefix(dep, "github.com/segmentio/kafka-go") {
			t.Errorf("services/history builds on %s: system tasks run in services/systask", dep)
		}
	}
}

// ioImport reports whether importing path brings I/O into a package: the
// standard library's file, process, network, database and syscall
// packages, and the script engines, which must stay behind the decider's
// Scripts interface.
func ioImport(path string) bool {
	switch path {
	case "os", "os/exec", "os/signal", "net", "syscall":
		return true
	}
	for _, prefix := range []string{"net/", "database/", "github.com/dop251/goja", "github.com/itchyny/gojq"} {
		if strings.HasPrefix(path, prefix) {
			return true
		}
	}
	return false
}

// allowedIO lists the (package, import) pairs among the decider's
// third-party dependencies that import I/O packages without doing I/O on
// the paths the decider calls. Each needs a reason; anything not here
// fails TestDeciderDoesNoIO, and an entry nothing needs any more fails it
// too, so the list stays exact.
var allowedIO = map[[2]string]string{
	{"github.com/goccy/go-json", "os"}:                "only to default a debug option's output to os.Stdout",
	{"github.com/google/uuid", "net"}:                 "v1 node ids read the network interfaces; the decider uses only uuid.NewSHA1",
	{"github.com/google/uuid", "os"}:                  "DCE uuids read os.Getuid; the decider uses only uuid.NewSHA1",
	{"github.com/google/uuid", "database/sql/driver"}: "Scan and Value for database columns; the decider uses only uuid.NewSHA1",
}

// TestDeciderDoesNoIO walks every dependency of pkg/decider, third-party
// ones included, and rejects any that imports an I/O package (ioImport)
// unless allowedIO names the pair. The decider is a function of (state,
// input, now): replay rebuilds state only if it reads nothing else. The
// standard library is trusted; its own imports are not checked.
func TestDeciderDoesNoIO(t *testing.T) {
	const decider = mod + "pkg/decider"
	deps := goList(t, "-deps", decider)
	used := map[[2]string]bool{}
	for _, path := range slices.Sorted(maps.Keys(deps)) {
		p := deps[path]
		if p.Standard {
			continue
		}
		for _, imp := range p.Imports {
			if !ioImport(imp) {
				continue
			}
			pair := [2]string{path, imp}
			if _, ok := allowedIO[pair]; ok {
				used[pair] = true
				continue
			}
			t.Errorf("%s imports %s: the decider must stay free of I/O (scripts go behind decider.Scripts)",
				strings.Join(chain(deps, decider, path), " → "), imp)
		}
	}
	for pair := range allowedIO {
		if !used[pair] {
			t.Errorf("allowedIO names %s importing %s, which pkg/decider no longer builds on: remove the entry", pair[0], pair[1])
		}
	}
}

// chain is the shortest import path from pkg from to pkg to in deps.
func chain(deps map[string]pkg, from, to string) []string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if cur == to {
			var path []string
			for p := to; p != ""; p = prev[p] {
				path = append(path, p)
			}
			slices.Reverse(path)
			return path
		}
		for _, imp := range deps[cur].Imports {
			if _, seen := prev[imp]; !seen {
				prev[imp] = cur
				queue = append(queue, imp)
			}
		}
	}
	return []string{from, "…", to}
}
