// Package matching hands task attempts to workers that long-poll for them.
//
// # Model
//
// There is one queue per (task type, domain); domain "" is the queue
// without a domain, and a poll of one domain never sees another's tasks.
// A queue holds, per task, only its task id, workflow id and visibility
// time (a few dozen bytes), never the task itself:
//
//   - ready: visible tasks, FIFO (Dispatch.Priority is not used yet);
//   - delayed: tasks whose Dispatch.VisibleAt is in the future, in a
//     min-heap on VisibleAt, with one time.AfterFunc timer per queue armed
//     for the earliest. When it fires, due tasks move to the back of ready.
//     Polls also move due tasks, so an injected clock decides visibility;
//   - waiters: polls that found ready empty, oldest first.
//
// History calls Dispatch; the frontend calls Poll. Dispatch adds to ready
// (or delayed) and, if pollers wait, hands the tasks straight to the oldest
// of them over its own channel: a waiting poll is woken by exactly the
// event that serves it, never by a loop or ticker. The delay timer wakes
// waiters the same way.
//
// Handing out a task is starting it. Poll takes up to count visible tasks
// under the queue lock, releases the lock, then calls
// History.RecordTasksStarted once for all of them and returns only those
// history accepted. Refused tasks (already started, canceled, workflow
// gone) are dropped; if all were refused and time remains, Poll waits
// again. Poll returns as soon as one task was started, without waiting to
// fill count.
//
// # Limits
//
// With Options.TaskDefs, matching enforces each task type's registered
// TaskDef limits across all its queues (domains) and pollers: at most
// rateLimitPerFrequency starts in any window of rateLimitFrequencyInSeconds,
// and at most concurrentExecLimit tasks IN_PROGRESS. A queue reserves room
// in its type's limiter before it hands a task out; tasks over a limit
// stay queued, and the limiter wakes the queues it held back (by a timer
// for the window, by Release for a finished task), never by polling. A
// type without limits costs one atomic load per take. limiter.go has the
// details, including what a restart forgets (the rate window) and how
// the in-progress counts are rebuilt (Occupy).
//
// # Invariants
//
//   - A task id is queued at most once per queue: Dispatch of an id that is
//     already queued (ready or delayed) is ignored, unless it makes a
//     delayed task visible sooner (resetcallbacks): then its new entry
//     supersedes the old one, which is skipped when reached. An id already
//     taken by a poller is no longer queued, so a later Dispatch queues it
//     again, and history refuses the second start.
//   - A queued task is removed under its queue's lock before any poller
//     sees it, so matching offers it to one poller at a time; history's
//     refusal of a second start makes "one attempt reaches one worker"
//     hold even across re-dispatch.
//   - No lock is held while calling history. There is no lock shared by all
//     queues: each queue has its own mutex, found through a sync.Map; only
//     the queues of a limited task type share its limiter's.
//   - Tasks a poll took but did not send to history because its ctx ended
//     go back to the front of their queue, in order.
//   - Every timer callback is counted and Close waits for it; Close
//     releases every waiting poll with ErrClosed.
//
// Matching is in memory only. Queues, once created (by a Dispatch or a
// Poll), stay for the life of the Service, holding PollData.
//
// # Caller duties
//
//   - History dispatches an attempt only after committing it (its outbox
//     row), and after a matching restart re-dispatches every pending row:
//     that is how the backlog is rebuilt, and why dropping refused tasks
//     loses nothing.
//   - History's RecordTasksStarted refuses an attempt that was already
//     started or can no longer run, and answers in request order.
//   - History calls Release, after committing, for every polled task that
//     stopped being IN_PROGRESS; the concurrentExecLimit relies on it.
//   - After a matching restart, history calls Occupy with the polled tasks
//     still IN_PROGRESS of the types with a concurrentExecLimit, before it
//     re-dispatches anything, so they keep counting until released.
//   - A start that history recorded but whose Poll's ctx ended before the
//     worker got the answer is not retried here: history's response timeout
//     recovers it, as Conductor's does.
//   - The frontend validates count and timeout; Poll caps the timeout at
//     Options.MaxPollTimeout and treats count < 1 as 1.
//   - The owner calls Close once done; Poll then returns ErrClosed (an
//     *api.Error of kind KindUnavailable) and Dispatch drops its rows.
package matching
