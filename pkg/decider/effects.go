package decider

import (
	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/workflow"
)

// SnapshotEvery is how many events a stored snapshot may lag behind the
// history, at least: a Result asks for a snapshot once this many events,
// or as many as the state has rows if that is more, have come since the
// last one (State.SnapshotAt); otherwise a commit carries only events.
// That keeps commits small — a snapshot re-encodes the whole state, about
// as many bytes as all the events so far, so an interval that grows with
// the rows keeps the bytes written per event flat for a 10,000-row
// workflow too — while a reader folds onto the snapshot at most about as
// many events as the state has rows. A short workflow writes no snapshot.
const SnapshotEvery = 16

// rows is what a restart or rerun may change in the indexes, taken before
// its event is applied.
type rows struct {
	ids           []string
	correlationID string
}

// record adds to the Result what event e, just applied, asks the caller to
// write or send: index changes, published messages, and children to
// terminate. before is set for WorkflowRestarted and WorkflowRerun.
func (dc *decision) record(e *events.Event, before *rows) {
	s, ix := dc.s, &dc.res.Index
	switch e.Type {
	case events.WorkflowStarted:
		if s.CorrelationID != "" {
			ix.PutCorrelation = append(ix.PutCorrelation, dc.correlation(s.Version, s.CorrelationID))
		}
		ix.Running, ix.NotRunning = true, false
	case events.TaskScheduled:
		ix.PutTasks = append(ix.PutTasks, e.TaskScheduled.TaskID)
	case events.TasksRemoved:
		ix.DropTasks = append(ix.DropTasks, e.TasksRemoved.TaskIDs...)
	case events.WorkflowEnded:
		ix.Running, ix.NotRunning = false, true
		dc.endedNow, dc.failureUpdated = true, true
	case events.FailureWorkflowUpdated:
		dc.failureUpdated = true
	case events.WorkflowRetried:
		ix.Running, ix.NotRunning = true, false
	case events.WorkflowRestarted, events.WorkflowRerun:
		ix.Running, ix.NotRunning = true, false
		dc.reindex(before)
	case events.TaskUpdated:
		u := e.TaskUpdated
		if !u.Started && u.Status != api.TaskCanceled {
			return
		}
		t := s.Task(u.TaskID)
		if m, ok := Published(t, u); ok {
			dc.res.Messages = append(dc.res.Messages, m)
		}
		if u.Status == api.TaskCanceled && t != nil && t.Type == workflow.TaskTypeSubWorkflow {
			if child := SubWorkflowID(t); child != "" {
				dc.res.Notes.TerminateChildren = append(dc.res.Notes.TerminateChildren, ChildTermination{WorkflowID: child})
			}
		}
	}
}

// rowsOf notes the index keys a restart or rerun may change.
func rowsOf(s *State) *rows {
	r := &rows{ids: make([]string, len(s.Tasks)), correlationID: s.CorrelationID}
	for i, t := range s.Tasks {
		r.ids[i] = t.ID
	}
	return r
}

// reindex drops the index entries of the rows a restart or rerun dropped,
// and moves the correlation entry to a new correlation id (the entry is
// keyed by name and correlation id: a new version keeps it).
func (dc *decision) reindex(before *rows) {
	s, ix := dc.s, &dc.res.Index
	kept := make(map[string]bool, len(s.Tasks))
	for _, t := range s.Tasks {
		kept[t.ID] = true
	}
	for _, id := range before.ids {
		if !kept[id] {
			ix.DropTasks = append(ix.DropTasks, id)
		}
	}
	if before.correlationID == s.CorrelationID {
		return
	}
	if before.correlationID != "" {
		ix.DelCorrelation = append(ix.DelCorrelation, dc.correlation(s.Version, before.correlationID))
	}
	if s.CorrelationID != "" {
		ix.PutCorrelation = append(ix.PutCorrelation, dc.correlation(s.Version, s.CorrelationID))
	}
}

func (dc *decision) correlation(version int, id string) CorrelationEntry {
	return CorrelationEntry{Name: dc.s.Name, Version: version, CorrelationID: id}
}

// finish completes a successful Decide's Result with what depends on the
// state it left: the timer, whether a snapshot is due, and the notes.
func (dc *decision) finish() {
	s, res := dc.s, &dc.res
	res.Timer = dc.d.WakeAt(s)
	res.Snapshot = s.LastEventID-s.SnapshotAt >= max(SnapshotEvery, int64(len(s.Tasks)))
	for i := range res.Notes.TerminateChildren {
		res.Notes.TerminateChildren[i].Reason = "Parent workflow " + s.WorkflowID + " has been terminated with status " + s.Status
	}
	if dc.endedNow {
		res.Notes.ChildEnded = ChildResult(s)
	}
	if dc.failureUpdated {
		res.Notes.StartFailureWorkflow = s.FailureWorkflow != nil && s.FailureWorkflow.Pending
	}
}
