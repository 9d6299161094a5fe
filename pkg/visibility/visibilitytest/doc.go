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
// A backend with analytics also calls RunAnalytics, which applies a
// second corpus (analyticsCorpus: ten workflows over four hours, one of
// them empty, and ten tasks) and checks exact counts per bucket and
// group, durations, top failures and counts, each also narrowed by a
// query, free text or from/to, and the 400s. Percentiles are exact
// nearest ranks for SQLite (NearestRank); Elasticsearch computes them
// with a TDigest, which interpolates, so it runs with Approximate and
// its percentiles are only checked to lie in the group's range and grow
// with p.
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
