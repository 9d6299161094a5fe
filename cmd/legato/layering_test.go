package main

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// TestLayering enforces the design's import rules: pkg/ never imports
// services/, no service imports another, and the decider does no I/O.
func TestLayering(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", "github.com/legatohq/legato/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const mod = "github.com/legatohq/legato/"
	type pkg struct {
		ImportPath string
		Imports    []string
		Deps       []string
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
	for _, p := range pkgs {
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
	// The shard owners run no system task (services/systask does): history
	// links neither the HTTP nor the Kafka client.
	for _, dep := range pkgs[mod+"services/history"].Deps {
		if dep == mod+"pkg/httptask" || dep == mod+"pkg/kafkatask" || strings.HasPrefix(dep, "github.com/segmentio/kafka-go") {
			t.Errorf("services/history builds on %s: system tasks run in services/systask", dep)
		}
	}
	// The decider and every package of ours it builds on import no I/O
	// (third-party libraries are trusted to stay pure where we call them).
	decider := pkgs[mod+"pkg/decider"]
	for _, dep := range append(decider.Deps, decider.ImportPath) {
		p, ours := pkgs[dep]
		if !ours {
			continue
		}
		for _, imp := range p.Imports {
			if imp == "os" || imp == "net" || strings.HasPrefix(imp, "net/") || strings.HasPrefix(imp, "database/") {
				t.Errorf("%s imports %s, and pkg/decider builds on it: the decider must stay free of I/O", p.ImportPath, imp)
			}
		}
	}
}
