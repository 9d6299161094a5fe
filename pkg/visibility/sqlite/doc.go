// Package sqlite is the embedded read model: a visibility.Store on SQLite
// (modernc.org/sqlite, pure Go), for the single-binary mode. The schema is
// schema/sqlite/*.sql, applied in order at Open and tracked by SQLite's
// user_version.
//
// Model. One row per workflow and per task, holding the typed columns
// queries filter and sort by, the event_version it was made at and the
// summary's JSON (doc), which searches return as stored. Free text is a
// contentless trigram FTS5 table beside each, keyed by the row's id
// (terms under three characters are matched with LIKE over the row).
//
// Writes. Apply is the only writer and runs on its own one-connection
// pool, opening its transactions IMMEDIATE: a deferred transaction that
// later writes gets SQLITE_BUSY at once, ignoring busy_timeout. Each row
// is upserted only if its event_version is at least the stored one
// (ON CONFLICT … WHERE), so batches may be replayed or reordered. An
// upsert marks the row's free text pending; the pending rows' FTS bodies
// are written together, once a second at the end of an Apply and before
// any search or analytics call with free text (text.go), so a summary
// rewritten several times costs one FTS write and free text never misses
// what Apply wrote.
//
// Reads. Searches run on a separate query_only pool, in a transaction so
// the count and the page see one snapshot (WAL lets them run beside the
// writer). A search is parsed, bound and checked by pkg/visibility/query
// and translated by query.ToSQL; TotalHits is an exact COUNT.
//
// Analytics (analytics.go) run on the same pool, their filters
// translated as searches' (query.PrepareFilter), and group in SQL so
// only groups come back; 002_analytics.sql adds the partial indexes that
// percentiles and top failures walk.
//
// Durability. synchronous=NORMAL in WAL mode may lose the last
// transactions on power loss, never corrupt the file. The indexer must
// therefore treat the read model as derived: whatever it checkpoints must
// be committed with, or after, the rows it covers.
package sqlite
