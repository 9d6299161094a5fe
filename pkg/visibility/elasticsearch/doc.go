// Package elasticsearch is the distributed read model: a visibility.Store
// on Elasticsearch 8 (github.com/elastic/go-elasticsearch/v8, its esapi
// transport with hand-built request bodies, so that every body is
// golden-tested under testdata/). The mappings and settings live in
// schema/elasticsearch and are installed by EnsureIndices.
//
// # Model
//
// One document per workflow (_id = workflowId) in the alias
// <prefix>-workflows and one per task (_id = taskId) in <prefix>-tasks.
// A document is the summary's JSON with unset fields left out ("" strings,
// zero times, a zero durationMs), so exists, must_not and the
// missing-last sort treat them as SQLite treats its NULLs, and with the
// query schema's other numbers and booleans present even at zero, as
// SQLite stores them. Searches decode _source back into the summary, so
// hits are returned exactly as applied.
//
// Mappings are dynamic:false (an unmapped field stays in _source, never
// becomes a mapping); ids, names and enums are keyword; times are date
// (epoch_millis||strict_date_optional_time: _source holds epoch ms,
// queries may use either); input, output and failedReferenceTaskNames
// are text; reasonForIncompletion is a keyword (exact =, sort; up to 8191
// characters) with a text sub-field for free text; failureReason, the
// normalized reason for grouping, a keyword of at most 256; taskToDomain
// an object with enabled:false. A test checks the mapping against the
// query schema and the summary structs. Input and output are meant to
// arrive capped (about 32 KB) by whoever builds the summaries: the mapping
// cannot cap text.
//
// # Index layout and retention
//
// Each alias points at one fixed index, <alias>-v1, created by
// EnsureIndices; nothing rolls over and nothing is partitioned by time.
// Every write is a full-document index with an external version, and a
// version guard only works within one index: an alias that rolls over
// writes a second copy of an id into the new index, and a date partition
// needs a partition key that every version of a summary carries
// unchanged, which a task summary's workflowStartTime is not guaranteed
// to be (a stale or partial summary would land in another partition and
// show twice). Fixed indices make the guard exact.
//
// Retention is therefore not ILM's: an ILM delete phase removes whole
// indices, which here would drop every summary at once. The read model
// follows history instead. When history deletes a workflow (an explicit
// remove, or --retention), the indexer applies a batch with the id in
// Removed, and Apply deletes the workflow's summary and, by query, its
// tasks'. There is no ILM policy in schema/elasticsearch on purpose; a
// time-partitioned layout (legato-workflows-YYYY.MM, ILM delete with
// parse_origination_date) would need an immutable partition key on every
// record first.
//
// Rebuilds: the -v1 suffix is there so that a rebuilt read model can be
// written into <alias>-v2 and the alias swapped, the way to change a
// mapping or undo a resurrection (below) without downtime.
//
// # Writes
//
// Apply sends one _bulk per batch (split at Options.MaxBulkBytes, 16 MiB
// by default): the newest summary of each id in the batch (the later one
// on a tie), as an index action with
// version = EventVersion and version_type = external_gte. Elasticsearch
// then keeps the newest version without a read: an equal version
// replaces (a replay), an older one is refused with 409, which counts as
// done. Redelivered and reordered batches are therefore harmless, and
// the indexer may commit its offsets once Apply returns nil.
//
// Removals are delete actions with an external version above any
// summary's, so the tombstone refuses stale replays of the workflow for
// as long as Elasticsearch keeps it (index.gc_deletes, raised to 10m),
// then a refresh of the tasks alias and a _delete_by_query of the tasks
// by workflowId (which finds only what a refresh made searchable, hence
// the refresh). Summaries of a removed workflow in the same batch are
// not sent: the removal wins, as in SQLite. A stale replay of a removed
// workflow's summaries after the tombstone expires, or of its tasks'
// (deleted by query, without tombstones) at any time, brings them back.
// That takes a redelivery of records from before the removal, which
// per-workflow ordering makes rare; a rebuild undoes it.
//
// Each bulk item is handled on its own: 2xx, 409 and a delete's 404 are
// done; 429, 5xx and a missing index are resent alone, with doubling
// backoff, at most Options.MaxRetries times, then reported in an
// *ApplyError's Failed (errors.Is ErrUnavailable: apply the batch
// again); any other 4xx means the document is bad and is dead-lettered
// in the *ApplyError's Rejected (errors.Is ErrRejected) while the rest
// of the batch is applied. A request refused as a whole (after the
// client's own retries of 429 and 502-504) is ErrRequest.
//
// Visibility: Apply returns before its writes are searchable, which the
// index's refresh_interval (1s) makes them; Options.Refresh "wait_for"
// makes Apply wait, for tests. Never refresh=true per write in
// production.
//
// # Reads
//
// A search is prepared by pkg/visibility/query, as in SQLite, and
// translated by query.ToES and query.ESSort (the id breaking ties) into
// one _search with from/size and track_total_hits:true, so TotalHits is
// exact. Free text is a query_string over the kind's free-text fields
// (ids, correlation id, type, status, reason, input, output; for tasks
// also task type and definition name) with default_operator AND and
// lenient, beside the query in a bool filter; if Elasticsearch reports
// that the text does not parse as Lucene syntax, the search is sent once
// more with simple_query_string, which takes any text. Where free text
// and text fields legitimately differ from SQLite (tokens, not
// substrings) is described in pkg/visibility/visibilitytest.
//
// # Testing
//
// Golden tests (testdata/*.txt, go test -rewrite) pin every request
// body: the templates, bulk NDJSON, delete-by-query and search bodies.
// Item-status handling is tested against fakeServer, a stand-in that
// answers in Elasticsearch's formats and evaluates nothing. The contract
// suite (visibilitytest) runs against a real Elasticsearch only, when
// LEGATO_ELASTICSEARCH_URL is set; each store it opens gets its own index
// prefix, deleted at the end of its test.
package elasticsearch
