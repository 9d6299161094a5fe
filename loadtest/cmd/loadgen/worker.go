package main

import (
	"time"

	"github.com/legatohq/legato/pkg/client"
)

// batchWorker is a worker of taskType as every mode runs them: -workers
// pollers asking for -batch tasks each, as many tasks in flight as they
// can fetch, and a short long-poll so that shutdown is quick.
func batchWorker(cfg config, taskType string) client.Worker {
	return client.Worker{
		TaskType:    taskType,
		Concurrency: cfg.workers * cfg.batch,
		Pollers:     cfg.workers,
		BatchSize:   cfg.batch,
		PollTimeout: time.Second,
	}
}
