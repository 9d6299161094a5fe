package matching

import (
	"context"

	"github.com/legatohq/legato/pkg/api"
)

// History is what matching needs from the history service.
//
// RecordTasksStarted records, for each request, that the worker polled the
// task attempt, and answers in the same order and with the same length as
// reqs. An answer with Err == nil and a non-nil Task is a start the worker
// must receive; any other answer is a refusal (already started, canceled,
// workflow gone) and matching drops the task. Starting the same attempt
// twice must be refused: the one-attempt-one-worker guarantee rests on it.
//
// RecordTasksStarted is called without any matching lock held, from many
// goroutines at once.
//
// QueuePolled tells history when a worker polled a queue that has a
// domain (taskToDomain picks a domain polled lately): on the queue's first
// poll, then at most once per pollReportInterval. It must not block.
type History interface {
	RecordTasksStarted(ctx context.Context, reqs []api.StartTask) []api.StartedTask
	QueuePolled(q api.TaskQueue, at int64)
}

// pollReportInterval bounds how often a queue's polls are reported to
// history: a domain counts as polled lately for 10 s, so a report at most
// a second old is close enough, and a busy queue costs one call a second.
const pollReportInterval = 1000 // ms
