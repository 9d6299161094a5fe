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

// nextSeq is the sequence number of the next row: rows folded away by
// keepLastN keep theirs (State.Removed).
func (dc *decision) nextSeq() int { return len(dc.s.Tasks) + dc.s.Removed + 1 }
