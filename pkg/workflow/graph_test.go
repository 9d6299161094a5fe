package workflow

import (
	"encoding/json"
	"testing"
)

const graphDef = `{"name":"g","tasks":[
 {"name":"a","taskReferenceName":"a"},
 {"name":"sw","taskReferenceName":"sw","type":"SWITCH","decisionCases":{
   "x":[{"name":"x1","taskReferenceName":"x1"},
        {"name":"inner","taskReferenceName":"inner","type":"SWITCH","defaultCase":[{"name":"d1","taskReferenceName":"d1"}]}]},
  "defaultCase":[{"name":"y1","taskReferenceName":"y1"}]},
 {"name":"fork","taskReferenceName":"fork","type":"FORK_JOIN","forkTasks":[
   [{"name":"b1","taskReferenceName":"b1"},{"name":"b2","taskReferenceName":"b2"}],
   [{"name":"c1","taskReferenceName":"c1","type":"SWITCH","decisionCases":{"k":[{"name":"c2","taskReferenceName":"c2"}]}}]]},
 {"name":"join","taskReferenceName":"join","type":"JOIN","joinOn":["b2","c1"]},
 {"name":"loop","taskReferenceName":"loop","type":"DO_WHILE","loopOver":[{"name":"l1","taskReferenceName":"l1"}]}]}`

func TestGraph(t *testing.T) {
	d := &WorkflowDef{}
	if err := json.Unmarshal([]byte(graphDef), d); err != nil {
		t.Fatal(err)
	}
	g := NewGraph(d)
	for _, ref := range []string{"a", "sw", "x1", "inner", "d1", "y1", "fork", "b1", "b2", "c1", "c2", "join", "loop", "l1"} {
		if wt := g.Task(ref); wt == nil || wt.TaskReferenceName != ref {
			t.Errorf("Task(%q) = %v", ref, wt)
		}
	}
	if g.Task("nope") != nil {
		t.Errorf("Task of an unknown ref")
	}
	for _, c := range []struct {
		ref, next string
		end       End
		parent    string
	}{
		{"a", "sw", EndNone, ""},
		{"sw", "fork", EndNone, ""},
		{"x1", "inner", EndNone, ""},
		{"d1", "fork", EndNone, ""},    // end of inner case, end of outer case: after sw
		{"inner", "fork", EndNone, ""}, // an inner switch that ran no case
		{"y1", "fork", EndNone, ""},
		{"fork", "join", EndNone, ""},
		{"b1", "b2", EndNone, ""},
		{"b2", "", EndBranch, "fork"},
		{"c2", "", EndBranch, "fork"}, // a case at the end of a branch
		{"join", "loop", EndNone, ""},
		{"l1", "", EndLoop, "loop"},
		{"loop", "", EndWorkflow, ""},
	} {
		a, ok := g.Next(c.ref)
		if !ok {
			t.Errorf("Next(%q): not found", c.ref)
			continue
		}
		got := ""
		if a.Task != nil {
			got = a.Task.TaskReferenceName
		}
		parent := ""
		if a.Parent != nil {
			parent = a.Parent.TaskReferenceName
		}
		if got != c.next || a.End != c.end || parent != c.parent {
			t.Errorf("Next(%q) = %q end %d parent %q, want %q end %d parent %q", c.ref, got, a.End, parent, c.next, c.end, c.parent)
		}
	}
	if _, ok := g.Next("nope"); ok {
		t.Errorf("Next of an unknown ref")
	}
}

func TestGraphContainer(t *testing.T) {
	d := &WorkflowDef{}
	if err := json.Unmarshal([]byte(graphDef), d); err != nil {
		t.Fatal(err)
	}
	g := NewGraph(d)
	for ref, want := range map[string]string{"a": "", "sw": "", "x1": "", "d1": "", "fork": "", "b1": "fork", "b2": "fork",
		"c1": "fork", "c2": "fork", "join": "", "loop": "", "l1": "loop", "l1__3": "loop", "nope": ""} {
		got := ""
		if c := g.Container(ref); c != nil {
			got = c.TaskReferenceName
		}
		if got != want {
			t.Errorf("Container(%q) = %q, want %q", ref, got, want)
		}
	}
}
