package workflow

// Graph indexes a definition's task tree by reference name. It answers the
// two questions the engine asks while it runs a workflow: which task of the
// definition a reference name is (anywhere in the tree), and what comes
// after a task once it is done.
//
// A Graph is read-only after NewGraph and safe for concurrent use. It points
// into the definition, which must not change afterwards (definitions are
// immutable snapshots once an execution uses them).
type Graph struct {
	nodes map[string]node
}

// node places one task in the tree: the list it is in, its index there, and
// the task whose list it is (nil for the top level).
type node struct {
	task   *WorkflowTask
	list   []*WorkflowTask
	index  int
	parent *WorkflowTask
	kind   listKind
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
	g.add(d.Tasks, nil, listTop)
	return g
}

func (g *Graph) add(list []*WorkflowTask, parent *WorkflowTask, kind listKind) {
	for i, t := range list {
		if t == nil {
			continue
		}
		if _, dup := g.nodes[t.TaskReferenceName]; !dup {
			g.nodes[t.TaskReferenceName] = node{task: t, list: list, index: i, parent: parent, kind: kind}
		}
		for _, k := range sortedKeys(t.DecisionCases) {
			g.add(t.DecisionCases[k], t, listCase)
		}
		g.add(t.DefaultCase, t, listCase)
		for _, branch := range t.ForkTasks {
			g.add(branch, t, listBranch)
		}
		g.add(t.LoopOver, t, listLoop)
	}
}

// Task returns the definition task with reference name ref, or nil.
func (g *Graph) Task(ref string) *WorkflowTask {
	return g.nodes[ref].task
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
	n, ok := g.nodes[ref]
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

// First returns the first non-nil task of list, or nil.
func First(list []*WorkflowTask) *WorkflowTask {
	for _, t := range list {
		if t != nil {
			return t
		}
	}
	return nil
}
