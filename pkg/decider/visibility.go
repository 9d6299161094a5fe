package decider

import "github.com/legatohq/legato/pkg/api"

// Visibility are the summaries a Decide changed, for the read side
// (the design's read side). The caller writes them to its visibility
// outbox in the round's batch, so search never misses a committed change;
// the indexer upserts them by id, keeping the highest EventVersion.
//
// Nothing fills it yet: the read side does (the search issue).
type Visibility struct {
	// Workflow is the workflow's summary after the Decide, nil when
	// nothing a summary shows changed.
	Workflow *api.WorkflowSummary
	// Tasks are the summaries of the task attempts that changed.
	Tasks []api.TaskSummary
}
