-- Free text is indexed after the summaries, not with each upsert
-- (pkg/visibility/sqlite/text.go): an upsert marks its row's text
-- pending, and the pending rows' FTS bodies are written together — at
-- most a second after, and before any free-text search reads them. A
-- workflow updated several times meanwhile costs one FTS write, which was
-- most of the indexer's cost.
ALTER TABLE workflow_summary ADD COLUMN text_pending INTEGER NOT NULL DEFAULT 0;
ALTER TABLE task_summary ADD COLUMN text_pending INTEGER NOT NULL DEFAULT 0;
CREATE INDEX workflow_summary_text_pending ON workflow_summary (id) WHERE text_pending = 1;
CREATE INDEX task_summary_text_pending ON task_summary (id) WHERE text_pending = 1;
