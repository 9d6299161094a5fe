// Package sqlite holds the embedded read model's SQLite schema, one file
// per version (NNN_name.sql, applied in order), so pkg/visibility/sqlite
// embeds the files that are reviewed here rather than a copy of them.
package sqlite
