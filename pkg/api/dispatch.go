package api

// Dispatch asks matching to offer a task attempt to pollers of its queue.
// History writes it as an outbox row in the same batch that scheduled the
// task, and deletes the row when the attempt starts or ends, so after a
// crash the set of rows is exactly what still has to be handed out.
type Dispatch struct {
	TaskID     string `json:"taskId"`
	WorkflowID string `json:"workflowId"`
	TaskType   string `json:"taskType"`
	Domain     string `json:"domain,omitempty"`
	// VisibleAt is the epoch-ms time before which no poller may get the task.
	VisibleAt int64 `json:"visibleAt,omitempty"`
	Priority  int   `json:"priority,omitempty"`
}

// SystemDomain is the domain of the queues only the engine polls: async
// system tasks such as HTTP. Workers may not poll it.
const SystemDomain = "_system"

// SystemWorkerID names the engine as the worker of what it does itself:
// the async system tasks it polls from SystemDomain, and the results it
// applies to a SUB_WORKFLOW task when the child ends.
const SystemWorkerID = "legato-system"

// TaskQueue names the queue a task is offered on.
type TaskQueue struct {
	TaskType string
	Domain   string
}

// StartTask asks history to record that a worker polled a task attempt.
type StartTask struct {
	WorkflowID string
	TaskID     string
	WorkerID   string
}

// StartedTask is history's answer to one StartTask: the task as the worker
// must see it, or the reason the attempt is no longer available.
type StartedTask struct {
	Task *Task
	Err  error
}
