package workflow

import (
	"slices"
	"strconv"
)

// Walk calls fn for every task in tasks and, depth first, every task nested
// in them (decision cases in key order, the default case, fork branches and
// loop bodies). path locates the task in JSON terms, e.g.
// "tasks[2].forkTasks[0][1]" when tasks is a definition's top-level list.
func Walk(tasks []*WorkflowTask, fn func(path string, t *WorkflowTask)) {
	walk("tasks", tasks, fn)
}

func walk(prefix string, tasks []*WorkflowTask, fn func(string, *WorkflowTask)) {
	for i, t := range tasks {
		p := prefix + "[" + itoa(i) + "]"
		if t == nil {
			continue
		}
		fn(p, t)
		for _, k := range sortedKeys(t.DecisionCases) {
			walk(p+".decisionCases."+k, t.DecisionCases[k], fn)
		}
		walk(p+".defaultCase", t.DefaultCase, fn)
		for j, branch := range t.ForkTasks {
			walk(p+".forkTasks["+itoa(j)+"]", branch, fn)
		}
		walk(p+".loopOver", t.LoopOver, fn)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
