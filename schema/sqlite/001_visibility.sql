-- The embedded read model (pkg/visibility/sqlite): workflow and task
-- summaries, one row per id at its highest event_version.
--
-- Every field a query may filter or sort by has a typed column, named as
-- in pkg/visibility/query's schemas; times are INTEGER epoch ms (*_ms),
-- never text (Conductor's #1497). Unset strings and times are NULL, so
-- IS NULL and != agree with Elasticsearch, where they are absent. doc is
-- the summary's JSON, returned as stored.
--
-- id is an explicit INTEGER PRIMARY KEY so that rowids, which the FTS
-- tables are keyed by, survive VACUUM.

CREATE TABLE workflow_summary (
    id                          INTEGER PRIMARY KEY,
    workflow_id                 TEXT NOT NULL UNIQUE,
    workflow_type               TEXT,
    version                     INTEGER,
    correlation_id              TEXT,
    status                      TEXT,
    start_ms                    INTEGER,
    update_ms                   INTEGER,
    end_ms                      INTEGER,
    execution_time              INTEGER,
    reason_for_incompletion     TEXT,
    parent_workflow_id          TEXT,
    priority                    INTEGER,
    created_by                  TEXT,
    idempotency_key             TEXT,
    failed_reference_task_names TEXT,
    event                       TEXT,
    classifier                  TEXT,
    duration_ms                 INTEGER,
    failure_reason              TEXT,
    root_workflow_id            TEXT,
    shard                       INTEGER,
    archived                    INTEGER NOT NULL DEFAULT 0,
    event_version               INTEGER NOT NULL,
    doc                         TEXT NOT NULL
);

CREATE INDEX workflow_summary_type_start ON workflow_summary (workflow_type, start_ms);
CREATE INDEX workflow_summary_status_start ON workflow_summary (status, start_ms);
CREATE INDEX workflow_summary_start ON workflow_summary (start_ms);
CREATE INDEX workflow_summary_update ON workflow_summary (update_ms);
CREATE INDEX workflow_summary_end ON workflow_summary (end_ms);
CREATE INDEX workflow_summary_correlation ON workflow_summary (correlation_id);
CREATE INDEX workflow_summary_parent ON workflow_summary (parent_workflow_id);
CREATE INDEX workflow_summary_type_status_duration ON workflow_summary (workflow_type, status, duration_ms);

CREATE TABLE task_summary (
    id                      INTEGER PRIMARY KEY,
    task_id                 TEXT NOT NULL UNIQUE,
    workflow_id             TEXT NOT NULL,
    workflow_type           TEXT,
    correlation_id          TEXT,
    task_type               TEXT,
    task_def_name           TEXT,
    status                  TEXT,
    reference_task_name     TEXT,
    scheduled_ms            INTEGER,
    start_ms                INTEGER,
    update_ms               INTEGER,
    end_ms                  INTEGER,
    execution_time          INTEGER,
    queue_wait_time         INTEGER,
    reason_for_incompletion TEXT,
    domain                  TEXT,
    worker_id               TEXT,
    retry_count             INTEGER,
    iteration               INTEGER,
    failure_reason          TEXT,
    workflow_start_ms       INTEGER,
    event_version           INTEGER NOT NULL,
    doc                     TEXT NOT NULL
);

-- workflow_id also serves removal, which deletes a workflow's tasks.
CREATE INDEX task_summary_workflow ON task_summary (workflow_id);
CREATE INDEX task_summary_correlation ON task_summary (correlation_id);
CREATE INDEX task_summary_update ON task_summary (update_ms);
CREATE INDEX task_summary_start ON task_summary (start_ms);
CREATE INDEX task_summary_status_update ON task_summary (status, update_ms);
CREATE INDEX task_summary_type_update ON task_summary (task_type, update_ms);
CREATE INDEX task_summary_def_update ON task_summary (task_def_name, update_ms);
CREATE INDEX task_summary_type_status_execution ON task_summary (task_type, status, execution_time);

-- Free text: one trigram-indexed body per summary (ids, correlation id,
-- type, status, reason, input and output, one a line), rowid = the
-- summary's id. Trigram makes LIKE '%term%' an index lookup for terms of
-- three or more characters and is case-insensitive, like LIKE itself.
-- Apply replaces a body whenever it replaces its summary.
CREATE VIRTUAL TABLE workflow_fts USING fts5(body, tokenize = 'trigram');
CREATE VIRTUAL TABLE task_fts USING fts5(body, tokenize = 'trigram');
