-- Analytics (pkg/visibility/sqlite/analytics.go).
--
-- Percentiles: per group, ORDER BY value LIMIT 1 OFFSET rank-1 walks a
-- (group, value) index over the rows measured, so no query sorts; the
-- index WHERE matches the query's (an ended workflow; a task that
-- started and ended for executionTime, that started for queueWaitTime).
-- Grouping by taskDefName falls back to a sort per group.
CREATE INDEX workflow_summary_type_duration ON workflow_summary (workflow_type, duration_ms)
    WHERE end_ms IS NOT NULL;
CREATE INDEX task_summary_type_execution ON task_summary (task_type, execution_time)
    WHERE start_ms IS NOT NULL AND end_ms IS NOT NULL;
-- start_ms > 0, not IS NOT NULL, so that an executionTime query, which
-- implies the latter, never picks this index for its GROUP BY.
CREATE INDEX task_summary_type_queue_wait ON task_summary (task_type, queue_wait_time)
    WHERE start_ms > 0;

-- Top failures group the failed summaries by reason and type. Only the
-- summaries with a reason, a small share, are in these; they cover the
-- query's columns, so it reads them in group order without the tables.
CREATE INDEX workflow_summary_failure ON workflow_summary (failure_reason, workflow_type, status, start_ms)
    WHERE failure_reason IS NOT NULL;
CREATE INDEX task_summary_failure ON task_summary (failure_reason, task_type, status, start_ms)
    WHERE failure_reason IS NOT NULL;
