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
