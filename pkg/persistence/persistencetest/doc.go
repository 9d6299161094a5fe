// Package persistencetest is the contract suite every persistence backend
// runs (STYLE.md habit 5): one set of behaviours, so that the embedded and
// the distributed backends cannot drift apart.
//
// A backend's test calls Run with a function that opens a fresh, empty pair
// of stores for each subtest and registers their cleanup on that subtest's
// t. The suite only uses the persistence interfaces, so anything a case
// checks is a promise of the interfaces' doc comments; a backend feature
// lands together with the case that checks it.
//
// The suite does not check behaviour the interfaces leave open: the order
// of workflow ids returned by the indexes, the order of timers with the
// same time, the order of log lines with the same time, what a batch that
// both puts and deletes one row leaves, and what a WorkflowWrite with a nil
// Snapshot does to the stored one.
package persistencetest
