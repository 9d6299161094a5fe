package expr

import (
	"fmt"
	"strings"
	"testing"
)

func TestCompilePath(t *testing.T) {
	tests := []struct {
		path     string
		root     string // "" = no root
		definite bool
		length   bool
		single   bool
		err      string // substring of the error; "" = no error
	}{
		{path: "workflow", root: "workflow", definite: true, single: true},
		{path: "workflow.input.a", root: "workflow", definite: true},
		{path: "$.workflow.input.a", root: "workflow", definite: true},
		{path: "$['workflow']['input']", root: "workflow", definite: true},
		{path: "['t1'].output", root: "t1", definite: true},
		{path: "my-task.output.x", root: "my-task", definite: true},
		{path: "t1.output.list[0].id", root: "t1", definite: true},
		{path: "t1.output.list[-1]", root: "t1", definite: true},
		{path: "t1.output['odd key']", root: "t1", definite: true},
		{path: "t1.output.['odd key']", root: "t1", definite: true},
		{path: "t1.output.list.length()", root: "t1", definite: true, length: true},
		{path: "t1.length()", root: "t1", definite: true, length: true},
		{path: "t1.output.list[*].id", root: "t1"},
		{path: "t1.output.*", root: "t1"},
		{path: "t1..id", root: "t1"},
		{path: "t1.output..['id']", root: "t1"},
		{path: "t1.output.list[0,1]", root: "t1"},
		{path: "t1.output['a','b']", root: "t1"},
		{path: "t1.output.list[1:3]", root: "t1"},
		{path: "t1.output.list[?(@.x > 1)].id", root: "t1"},
		{path: "t1.output.list[?(@.s == ']')].id", root: "t1"},
		{path: "t1.output.list[*].length()", root: "t1", length: true},
		{path: "*.output"},
		{path: "$..id"},
		{path: "$", definite: false},

		{path: "t1.", err: "must not end with '.'"},
		{path: "t1..", err: "must not end with '.'"},
		{path: "t1.output[", err: "unterminated '['"},
		{path: "t1.output['x", err: "unterminated '['"},
		{path: "t1.output[?(@.x >)]", err: "invalid path"},
		{path: "t1.out put", err: "bracket notation"},
		{path: "t1.output.max()", err: "unsupported function max()"},
		{path: "t1.output.length(1)", err: "takes no arguments"},
		{path: "t1.output.length().x", err: "must end the path"},
		{path: "length()", err: "needs a path"},
		{path: "t1.output.length(", err: "unterminated function"},
		{path: "t1['a']b", err: "unexpected"},
		{path: "$x", err: "after '$'"},
		{path: "t1[abc]", err: "invalid path"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			c := compilePath(tt.path)
			if tt.err != "" {
				if c.err == nil || !strings.Contains(c.err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", c.err, tt.err)
				}
				return
			}
			if c.err != nil {
				t.Fatalf("unexpected error: %v", c.err)
			}
			got := fmt.Sprint(c.root, c.hasRoot, c.definite, c.length, c.single)
			want := fmt.Sprint(tt.root, tt.root != "", tt.definite, tt.length, tt.single)
			if got != want {
				t.Fatalf("root,hasRoot,definite,length,single = %s, want %s (x=%v)", got, want, c.x)
			}
		})
	}
}

func TestPathCacheBounded(t *testing.T) {
	c := newPathCache()
	first := c.get("w.a0")
	for i := range 3 * maxCacheGen {
		c.get(fmt.Sprintf("w.a%d", i))
	}
	if n := c.cur.Load().n.Load(); n >= maxCacheGen {
		t.Fatalf("current generation holds %d entries", n)
	}
	if c.old.Load() == nil {
		t.Fatal("no rotation happened")
	}
	// A recent path is served from the cache (same pointer).
	p := fmt.Sprintf("w.a%d", 3*maxCacheGen-1)
	if c.get(p) != c.get(p) {
		t.Fatal("recent path not cached")
	}
	_ = first
}
