package persistencetest

import (
	"testing"

	"github.com/legatohq/legato/pkg/persistence"
)

// Stores is what a backend hands the suite. Exec and Meta may be the same
// value.
type Stores struct {
	Exec persistence.ExecutionStore
	Meta persistence.MetadataStore
}

// Run runs every contract case as a subtest of t. open must return empty
// stores, fresh for each call, and register their cleanup with t.Cleanup.
func Run(t *testing.T, open func(t *testing.T) Stores) {
	t.Helper()
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			c.run(t, open(t))
		})
	}
}

type contractCase struct {
	name string
	run  func(t *testing.T, s Stores)
}

// cases lists the contract, grouped by the interface it checks.
func cases() []contractCase {
	return []contractCase{
		// execution.go: rows and histories
		{"CommitReadsBackEveryRowKind", testEveryRowKind},
		{"EventsAcrossBatchesInIDOrder", testEventsInOrder},
		{"SnapshotReplaced", testSnapshotReplaced},
		{"DeleteWorkflow", testDeleteWorkflow},
		{"DefsByHash", testDefs},
		{"NotFoundAndEmpty", testNotFoundAndEmpty},
		{"Idempotent", testIdempotent},
		// execution.go: outbox
		{"DispatchesPerShard", testDispatches},
		{"MessagesPerShard", testMessages},
		{"VisibilityOutboxPerShard", testVisibilityOutbox},
		{"WorkflowIDsInOrder", testWorkflowIDs},
		{"TimersOrderedByTime", testTimers},
		// execution.go: indexes and logs
		{"TaskIndex", testTaskIndex},
		{"CorrelationIndex", testCorrelation},
		{"RunningIndex", testRunning},
		{"TaskLogs", testTaskLogs},
		// concurrency
		{"ConcurrentShards", testConcurrentShards},
		// metadata.go
		{"TaskDefs", testTaskDefs},
		{"WorkflowDefs", testWorkflowDefs},
		{"WorkflowDefLatestVersion", testWorkflowDefLatest},
		{"EventHandlers", testEventHandlers},
	}
}
