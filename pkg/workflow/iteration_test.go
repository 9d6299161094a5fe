package workflow

import (
	"encoding/json"
	"testing"
)

func TestSplitIteration(t *testing.T) {
	for ref, want := range map[string]struct {
		base string
		n    int
	}{
		"fetch__1":      {"fetch", 1},
		"fetch__12":     {"fetch", 12},
		"a__b__3":       {"a__b", 3},
		"fetch":         {"fetch", 0},
		"fetch__":       {"fetch__", 0},
		"fetch__0":      {"fetch__0", 0},
		"fetch__01":     {"fetch__01", 0},
		"fetch__1x":     {"fetch__1x", 0},
		"__3":           {"__3", 0},
		"fetch_3":       {"fetch_3", 0},
		"x__9999999":    {"x", 9999999},
		"x__1234567890": {"x__1234567890", 0},
	} {
		base, n := SplitIteration(ref)
		if base != want.base || n != want.n {
			t.Errorf("SplitIteration(%q) = %q, %d; want %q, %d", ref, base, n, want.base, want.n)
		}
		if want.n > 0 && IterationRef(base, n) != ref {
			t.Errorf("IterationRef(%q, %d) = %q, want %q", base, n, IterationRef(base, n), ref)
		}
	}
}

// TestGraphLoopRows: rows of a loop body (ref__n) map back to their task,
// at any depth of the body; names outside loops are taken as written.
func TestGraphLoopRows(t *testing.T) {
	d := &WorkflowDef{}
	if err := json.Unmarshal([]byte(`{"name":"g","tasks":[
	 {"name":"a","taskReferenceName":"a"},
	 {"name":"odd__1","taskReferenceName":"odd__1"},
	 {"name":"loop","taskReferenceName":"loop","type":"DO_WHILE","loopOver":[
	   {"name":"l1","taskReferenceName":"l1"},
	   {"name":"sw","taskReferenceName":"sw","type":"SWITCH","decisionCases":{"x":[{"name":"c1","taskReferenceName":"c1"}]}},
	   {"name":"fork","taskReferenceName":"fork","type":"FORK_JOIN","forkTasks":[[{"name":"b1","taskReferenceName":"b1"}]]},
	   {"name":"join","taskReferenceName":"join","type":"JOIN","joinOn":["b1"]}]},
	 {"name":"z","taskReferenceName":"z"}]}`), d); err != nil {
		t.Fatal(err)
	}
	g := NewGraph(d)
	loop := g.Task("loop")
	for ref, want := range map[string]string{"l1__1": "l1", "c1__2": "c1", "b1__3": "b1", "join__10": "join", "sw__4": "sw", "l1": "l1", "odd__1": "odd__1"} {
		if wt := g.Task(ref); wt == nil || wt.TaskReferenceName != want {
			t.Errorf("Task(%q) = %v, want %s", ref, wt, want)
		}
	}
	for _, ref := range []string{"a__1", "z__2", "loop__1", "odd", "nope__1"} {
		if wt := g.Task(ref); wt != nil {
			t.Errorf("Task(%q) = %s, want nil (not in a loop body)", ref, wt.TaskReferenceName)
		}
	}
	for ref, want := range map[string]*WorkflowTask{"l1__1": loop, "c1__1": loop, "b1": loop, "join__2": loop, "loop": nil, "a": nil, "z": nil} {
		if got := g.Loop(ref); got != want {
			t.Errorf("Loop(%q) = %v, want %v", ref, got, want)
		}
	}
	for ref, want := range map[string]string{"l1__1": "sw", "c1__2": "fork", "join__3": "", "sw__1": "fork"} {
		a, ok := g.Next(ref)
		got := ""
		if a.Task != nil {
			got = a.Task.TaskReferenceName
		}
		if !ok || got != want {
			t.Errorf("Next(%q) = %q, %v; want %q", ref, got, ok, want)
		}
		if want == "" && (a.End != EndLoop || a.Parent != loop) {
			t.Errorf("Next(%q): end %d parent %v, want the end of loop", ref, a.End, a.Parent)
		}
	}
}

// TestSuffixChains: nested loop rows carry one __n per loop, outermost
// first, and the graph maps them back to their task at any depth.
func TestSuffixChains(t *testing.T) {
	for _, c := range []struct {
		row   string
		depth int
		want  string
	}{
		{"work__2__3", 2, "__2__3"}, {"work__2__3", 1, "__3"}, {"work", 0, ""},
		{"work__2", 2, ""}, {"inner__2", 1, "__2"},
	} {
		if got := IterationSuffix(c.row, c.depth); got != c.want {
			t.Errorf("IterationSuffix(%q, %d) = %q, want %q", c.row, c.depth, got, c.want)
		}
	}
	for _, c := range []struct {
		suffix string
		depth  int
		want   string
	}{
		{"__2__3", 1, "__2"}, {"__2__3", 2, "__2__3"}, {"__2__3", 0, ""}, {"", 1, ""}, {"__4", 3, "__4"},
	} {
		if got := OuterSuffix(c.suffix, c.depth); got != c.want {
			t.Errorf("OuterSuffix(%q, %d) = %q, want %q", c.suffix, c.depth, got, c.want)
		}
	}
	for row, want := range map[string]bool{"work": true, "work__1": true, "work__1__2": true, "worker__1": false, "work_1": false} {
		if RowOf(row, "work") != want {
			t.Errorf("RowOf(%q, work) = %v, want %v", row, !want, want)
		}
	}
	if !RowOf("work__1__2", "work__1") || RowOf("work__2__1", "work__1") {
		t.Error("RowOf must match the outer iteration's rows only")
	}

	d := &WorkflowDef{}
	if err := json.Unmarshal([]byte(`{"name":"n","tasks":[
	 {"name":"outer","taskReferenceName":"outer","type":"DO_WHILE","loopOver":[
	   {"name":"inner","taskReferenceName":"inner","type":"DO_WHILE","loopOver":[{"name":"w","taskReferenceName":"w"}]}]},
	 {"name":"top","taskReferenceName":"top"}]}`), d); err != nil {
		t.Fatal(err)
	}
	g := NewGraph(d)
	for ref, want := range map[string]struct {
		task, loop string
		depth      int
	}{
		"w__1__2": {"w", "inner", 2}, "inner__3": {"inner", "outer", 1}, "outer": {"outer", "", 0},
		"w__1__2__3": {"", "", 0}, "top__1": {"", "", 0},
	} {
		task, loop := "", ""
		if wt := g.Task(ref); wt != nil {
			task = wt.TaskReferenceName
		}
		if l := g.Loop(ref); l != nil {
			loop = l.TaskReferenceName
		}
		if task != want.task || loop != want.loop || g.Depth(ref) != want.depth {
			t.Errorf("%s: task %q loop %q depth %d, want %+v", ref, task, loop, g.Depth(ref), want)
		}
	}
}
