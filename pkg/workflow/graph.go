package workflow

// Graph indexes a definition's task tree by reference name. It answers the
// two questions the engine asks while it runs a workflow: which task of the
// definition a reference name is (anywhere in the tree), and what comes
// after a task once it is done.
//
// Inside a DO_WHILE, each iteration's rows carry the reference name
// ref__n (IterationRef); the Graph maps such a name back to the task ref of
// the loop body, so callers can ask about the row's reference name as is.
//
// A Graph is read-only after NewGraph and safe for concurrent use. It points
// into the definition, which must not change afterwards (definitions are
// immutable snapshots once an execution uses them).
type Graph struct {
	nodes map[string]node
}

// node places one task in the tree: the list it is in, its index there,
// the task whose list it is (nil for the top level), the innermost
// DO_WHILE whose body holds it, however deep (nil outside loops), and how
// many DO_WHILE bodies hold it.
type node struct {
	task   *WorkflowTask
	list   []*WorkflowTask
	index  int
	parent *WorkflowTask
	kind   listKind
	loop   *WorkflowTask
	depth  int
}

type listKind uint8

const (
	listTop    listKind = iota // the definition's tasks
	listCase                   // a decision case or the default case of a SWITCH/DECISION
	listBranch                 // one branch of a FORK_JOIN
	listLoop                   // the body of a DO_WHILE
)

// End says why no task follows.
type End uint8

const (
	// EndNone: a task follows (After.Task is set).
	EndNone End = iota
	// EndWorkflow: the top-level list is done; the workflow can complete.
	EndWorkflow
	// EndBranch: a fork branch is done. Nothing is scheduled: the JOIN after
	// the fork (After.Parent) is waiting for it.
	EndBranch
	// EndLoop: an iteration of a DO_WHILE body (After.Parent) is done.
	EndLoop
)

// After is what follows a task.
type After struct {
	// Task is the next task to schedule; nil when End is not EndNone.
	Task *WorkflowTask
	End  End
	// Parent is the FORK_JOIN or DO_WHILE whose list ended (EndBranch,
	// EndLoop).
	Parent *WorkflowTask
}

// NewGraph indexes d. When a reference name is used twice (Validate rejects
// that) the first use wins.
func NewGraph(d *WorkflowDef) *Graph {
	g := &Graph{nodes: map[string]node{}}
	g.add(d.Tasks, nil, listTop, nil, 0)
	return g
}

func (g *Graph) add(list []*WorkflowTask, parent *WorkflowTask, kind listKind, loop *WorkflowTask, depth int) {
	for i, t := range list {
		if t == nil {
			continue
		}
		if _, dup := g.nodes[t.TaskReferenceName]; !dup {
			g.nodes[t.TaskReferenceName] = node{task: t, list: list, index: i, parent: parent, kind: kind, loop: loop, depth: depth}
		}
		for _, k := range sortedKeys(t.DecisionCases) {
			g.add(t.DecisionCases[k], t, listCase, loop, depth)
		}
		g.add(t.DefaultCase, t, listCase, loop, depth)
		for _, branch := range t.ForkTasks {
			g.add(branch, t, listBranch, loop, depth)
		}
		g.add(t.LoopOver, t, listLoop, t, depth+1)
	}
}

// node finds ref's place: ref itself, or for a row of a loop body
// ("ref__n", "ref__m__n" when nested) the body task ref. The exact name
// wins, so a definition reference name that merely looks like a loop row
// is still found.
func (g *Graph) node(ref string) (node, bool) {
	if n, ok := g.nodes[ref]; ok {
		return n, true
	}
	base, stripped := ref, 0
	for {
		b, it := SplitIteration(base)
		if it == 0 {
			return node{}, false
		}
		base, stripped = b, stripped+1
		if n, ok := g.nodes[base]; ok && n.loop != nil && stripped <= n.depth {
			return n, true
		}
	}
}

// Depth is how many DO_WHILE bodies hold the task ref (or whose row ref
// names): the number of __n groups its rows carry. 0 outside loops.
func (g *Graph) Depth(ref string) int {
	n, _ := g.node(ref)
	return n.depth
}

// Task returns the definition task with reference name ref (or whose
// loop-body row ref names), or nil.
func (g *Graph) Task(ref string) *WorkflowTask {
	n, _ := g.node(ref)
	return n.task
}

// Loop returns the innermost DO_WHILE whose body holds the task ref (at
// any depth: inside a case or a fork branch of the body too), or nil when
// ref is not in a loop body. A DO_WHILE is not in its own body.
func (g *Graph) Loop(ref string) *WorkflowTask {
	n, _ := g.node(ref)
	return n.loop
}

// Next says what comes after the task ref once it is done: the next task
// of its list; at the end of a decision case, what comes after the
// enclosing SWITCH/DECISION (recursively); at the end of a fork branch or
// loop body, nothing; at the end of the top level, the end of the workflow.
// ok is false when ref is not in the definition.
//
// Next does not look into ref itself: the first task of a SWITCH's selected
// case or of a FORK's branches is the caller's choice.
func (g *Graph) Next(ref string) (a After, ok bool) {
	n, ok := g.node(ref)
	if !ok {
		return After{}, false
	}
	for {
		for i := n.index + 1; i < len(n.list); i++ {
			if n.list[i] != nil {
				return After{Task: n.list[i]}, true
			}
		}
		switch n.kind {
		case listTop:
			return After{End: EndWorkflow}, true
		case listBranch:
			return After{End: EndBranch, Parent: n.parent}, true
		case listLoop:
			return After{End: EndLoop, Parent: n.parent}, true
		}
		// The case of a SWITCH/DECISION is done: continue after it.
		n = g.nodes[n.parent.TaskReferenceName]
	}
}

// Before returns the task just before ref in its list (a JOIN's FORK),
// or nil when ref is first in its list or not in the definition.
func (g *Graph) Before(ref string) *WorkflowTask {
	n, ok := g.node(ref)
	if !ok {
		return nil
	}
	for i := n.index - 1; i >= 0; i-- {
		if n.list[i] != nil {
			return n.list[i]
		}
	}
	return nil
}

// First returns the first non-nil task of list, or nil.
func First(list []*WorkflowTask) *WorkflowTask {
	for _, t := range list {
		if t != nil {
			return t
		}
	}
	return nil
}

// Container returns the innermost FORK_JOIN or DO_WHILE whose branch or
// body holds the task ref (through SWITCH/DECISION cases), or nil when ref
// is in neither or not in the definition. A UI draws the task inside it.
func (g *Graph) Container(ref string) *WorkflowTask {
	n, ok := g.node(ref)
	if !ok {
		return nil
	}
	for {
		switch n.kind {
		case listTop:
			return nil
		case listBranch, listLoop:
			return n.parent
		}
		n = g.nodes[n.parent.TaskReferenceName]
	}
}
