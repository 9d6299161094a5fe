-- Analytics (pkg/visibility/sqlite/analytics.go): top failures group the
-- failed summaries by failure_reason and type. Partial indexes hold only
-- the summaries with a reason, a small share of all, and cover the
-- query's columns, so it reads them in group order without the tables.

CREATE INDEX workflow_summary_failure ON workflow_summary (failure_reason, workflow_type, status, start_ms)
    WHERE failure_reason IS NOT NULL;
CREATE INDEX task_summary_failure ON task_summary (failure_reason, task_type, status, start_ms)
    WHERE failure_reason IS NOT NULL;
