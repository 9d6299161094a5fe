package decider

import (
	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/workflow"
)

// index makes a decision cost what it touches, not the number of rows: a
// 10,000-branch fork must not scan 10,000 rows per task update. It is
// derived from State.Tasks and never stored: built on first use (after a
// load), kept current by Apply as rows are added and change status, and
// dropped by Apply when rows go or are replaced (keepLastN, restart,
// rerun, retry), to be rebuilt on next use.
type index struct {
	byID map[string]*Task
	// exact is the newest row of each reference name; latest the newest
	// row of ref or of any ref__n, for the refs loop rows have (a ref
	// outside loops only has rows named ref: exact answers for it).
	exact, latest map[string]*Task
	// open counts the rows not terminal.
	open int
	// control are the JOIN, EXCLUSIVE_JOIN and DO_WHILE rows settle must
	// evaluate, in row order; terminal ones are pruned as settle goes.
	control []*Task
	// joins count each JOIN row's finished joinOn tasks; waiting lists
	// the joins each reference name holds up.
	joins   map[string]*joinCount
	waiting map[string][]*joinCount
	// forked are the tasks dynamic forks forked, by row reference name,
	// decoded from the first forkedSeen rows (forkdynamic.go).
	forked     map[string]*forkedTask
	forkedSeen int
	// due holds every open row's next deadline, possibly stale (deadline.go).
	due dueHeap
}

// joinCount is a JOIN's progress: the state of the newest row of each of
// its joinOn reference names, and how many are finished and failed.
type joinCount struct {
	state          map[string]joinState
	ndone, nfailed int
}

type joinState uint8

const (
	joinPending joinState = iota
	joinDone
	joinFailed // finished, and not successfully
)

func joinStateOf(t *Task) joinState {
	switch {
	case t == nil || !api.TaskTerminal(t.Status):
		return joinPending
	case api.TaskSuccessful(t.Status):
		return joinDone
	}
	return joinFailed
}

// set moves ref to state st, keeping the counts.
func (jc *joinCount) set(ref string, st joinState) {
	old := jc.state[ref]
	if old == st {
		return
	}
	if old != joinPending {
		jc.ndone--
	}
	if old == joinFailed {
		jc.nfailed--
	}
	if st != joinPending {
		jc.ndone++
	}
	if st == joinFailed {
		jc.nfailed++
	}
	jc.state[ref] = st
}

// index returns s's index, building it if needed.
func (s *State) index() *index {
	if s.ix != nil {
		return s.ix
	}
	ix := &index{byID: make(map[string]*Task, len(s.Tasks)), exact: make(map[string]*Task, len(s.Tasks))}
	s.ix = ix
	for _, t := range s.Tasks {
		ix.added(t)
	}
	return ix
}

// added indexes a new row, the newest of its reference name.
func (ix *index) added(t *Task) {
	ix.byID[t.ID] = t
	ix.exact[t.Ref] = t
	if base, n := workflow.SplitIteration(t.Ref); n > 0 {
		if ix.latest == nil {
			ix.latest = map[string]*Task{}
		}
		ix.latest[t.Ref] = t
		for ; n > 0; base, n = workflow.SplitIteration(base) {
			ix.latest[base] = t
		}
	}
	if !api.TaskTerminal(t.Status) {
		ix.open++
		switch t.Type {
		case workflow.TaskTypeJoin, workflow.TaskTypeExclusiveJoin, workflow.TaskTypeDoWhile:
			ix.control = append(ix.control, t)
		}
	}
	if t.Type == workflow.TaskTypeJoin {
		ix.addJoin(t)
	}
	ix.newest(t) // a new attempt of a joinOn task holds its joins up again
	ix.pushDue(t)
}

// addJoin starts counting the JOIN row t's joinOn tasks. A JOIN without a
// recorded joinOn is evaluated in full every time.
func (ix *index) addJoin(t *Task) {
	if _, ok := t.Input["joinOn"].([]any); !ok {
		return
	}
	jc := &joinCount{state: map[string]joinState{}}
	if ix.joins == nil {
		ix.joins, ix.waiting = map[string]*joinCount{}, map[string][]*joinCount{}
	}
	for _, ref := range inputRefs(t, "joinOn", nil) {
		if _, dup := jc.state[ref]; dup {
			continue
		}
		jc.state[ref] = joinPending
		jc.set(ref, joinStateOf(ix.exact[ref]))
		ix.waiting[ref] = append(ix.waiting[ref], jc)
	}
	ix.joins[t.ID] = jc
}

// updated re-indexes row t after its status changed from before.
func (ix *index) updated(t *Task, before string) {
	if was, is := api.TaskTerminal(before), api.TaskTerminal(t.Status); was != is {
		if is {
			ix.open--
		} else {
			ix.open++
		}
	}
	if ix.exact[t.Ref] == t {
		ix.newest(t)
	}
	ix.pushDue(t)
}

// newest updates the joins waiting for t's reference name, t being its
// newest row.
func (ix *index) newest(t *Task) {
	if ws := ix.waiting[t.Ref]; len(ws) > 0 {
		st := joinStateOf(t)
		for _, jc := range ws {
			jc.set(t.Ref, st)
		}
	}
}

// pending reports whether the JOIN row t is sure to be still waiting:
// some joinOn task has not finished and none has failed. Otherwise the
// JOIN is evaluated in full (fork.go).
func (ix *index) pending(t *Task) bool {
	jc := ix.joins[t.ID]
	return jc != nil && jc.nfailed == 0 && jc.ndone < len(jc.state)
}

// pushDue notes the open row t's next deadline, if it has one; entries a
// later change made stale are skipped when they come up (deadline.go).
func (ix *index) pushDue(t *Task) {
	if api.TaskTerminal(t.Status) {
		return
	}
	if at := taskDeadline(t); at > 0 {
		ix.due.Push(dueEntry{at: at, t: t})
	}
}

// Task returns the attempt with that id, or nil.
func (s *State) Task(id string) *Task { return s.index().byID[id] }

// Latest returns the newest attempt of a reference name, or nil.
func (s *State) Latest(ref string) *Task { return s.index().exact[ref] }

// latestRow is the newest row whose reference name is ref, or ref__n of
// any iteration n, as Conductor keys loop rows both with and without the
// suffix: ${fetch.output} inside (or after) a loop reads the latest
// iteration's fetch__n, and ${fetch__1.output} the first (nested:
// fetch__1 also names the latest fetch__1__n).
func latestRow(s *State, ref string) *Task {
	ix := s.index()
	if t, ok := ix.latest[ref]; ok {
		return t
	}
	return ix.exact[ref]
}
