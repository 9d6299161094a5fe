-- Free text without a second copy of it: contentless FTS5 tables whose
-- deletes need not re-read the old text (contentless_delete), which made
-- replacing a changed summary's text the indexer's largest cost. Terms of
-- fewer than three characters, which a trigram index cannot answer, are
-- matched with LIKE over the summary's own columns instead
-- (pkg/visibility/sqlite/search.go). Every row's text is rebuilt.
DROP TABLE workflow_fts;
DROP TABLE task_fts;
CREATE VIRTUAL TABLE workflow_fts USING fts5(body, content = '', contentless_delete = 1, tokenize = 'trigram');
CREATE VIRTUAL TABLE task_fts USING fts5(body, content = '', contentless_delete = 1, tokenize = 'trigram');
UPDATE workflow_summary SET text_pending = 1;
UPDATE task_summary SET text_pending = 1;
