package decider

import (
	"strconv"

	"github.com/google/uuid"
)

// TaskID derives a task attempt's id from its workflow and sequence number:
// a name-based UUID, so ids look like Conductor's and replay is exact.
func TaskID(workflowID string, seq int) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte(workflowID+"/"+strconv.Itoa(seq))).String()
}

// newTaskID is the id of the workflow's new row seq. After a restart or
// rerun has dropped rows, sequence numbers repeat, so the generation is
// part of the name: a dropped row's id (which matching, outbox rows and a
// child's idempotency key were keyed by) is never handed out again.
func (s *State) newTaskID(seq int) string {
	if s.Generation == 0 {
		return TaskID(s.WorkflowID, seq)
	}
	return TaskID(s.WorkflowID+"/"+strconv.Itoa(s.Generation), seq)
}

// nextSeq is the sequence number of the next row: rows folded away by
// keepLastN keep theirs (State.Removed).
func (dc *decision) nextSeq() int { return len(dc.s.Tasks) + dc.s.Removed + 1 }
