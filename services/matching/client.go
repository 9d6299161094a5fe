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
type History interface {
	RecordTasksStarted(ctx context.Context, reqs []api.StartTask) []api.StartedTask
}
