// Package visibilitytest is the contract suite every visibility.Store
// backend runs (STYLE.md habit 5): one corpus of summaries and one table
// of searches with the ids each must return, in order, so that the
// embedded (SQLite) and the distributed (Elasticsearch) read models
// answer Conductor's searches alike.
//
// A backend's test calls Run with a function that opens a fresh, empty
// store for each call and registers its cleanup on that call's t. Run
// applies the corpus to one store and runs every search against it, then
// opens a store per write case (version guard, batch de-duplication,
// removal). A backend that is only eventually searchable (Elasticsearch's
// refresh) must make Apply's writes visible before Apply returns in
// tests, e.g. with refresh=wait_for.
//
// The corpus asks only what both engines answer alike:
//   - free-text terms are whole words of the summaries (SQLite matches
//     substrings, Elasticsearch analyzed tokens);
//   - unset strings and zero times are absent: a backend must not index
//     "" or 0 for them (parentWorkflowId's "" excepted, which the query
//     schema treats as null), so IS NULL, != and the missing-last sort
//     agree;
//   - = is exact and case-sensitive, = with * and STARTS_WITH are
//     case-insensitive.
package visibilitytest
