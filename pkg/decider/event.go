package decider

import (
	"strings"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/workflow"
)

// EVENT is a sync system task: it publishes its input, with the
// workflow's identity added, to the queue its sink names. The decider only
// records what was published as the task's output; the history service
// stores a conductor queue's message (Published) in the same commit and
// hands it to the event handlers until they have handled it, across
// crashes (services/history doc.go). Other sinks are recorded and not sent
// anywhere.

// eventQueue is the queue a sink names, as upstream: "conductor" is
// conductor:<workflow name>:<task ref>, "conductor:X" is
// conductor:<workflow name>:X, and any other "type:name" is itself.
// ok is false for a sink of no known form.
func eventQueue(sink, wfName, ref string) (string, bool) {
	switch {
	case sink == "conductor":
		return "conductor:" + wfName + ":" + ref, true
	case strings.HasPrefix(sink, "conductor:"):
		return "conductor:" + wfName + ":" + strings.TrimPrefix(sink, "conductor:"), true
	case strings.Index(sink, ":") > 0 && !strings.HasSuffix(sink, ":"):
		return sink, true
	}
	return "", false
}

// eventProducedKey is the output key naming the queue an EVENT published
// to.
const eventProducedKey = "event_produced"

// Published returns the message an EVENT task's start published to an
// in-process conductor queue, read from that start's TaskUpdated event u
// of task t: its id is the task's, its payload the task's output. ok is
// false for any other event, task or sink.
func Published(t *Task, u *events.TaskUpdatedData) (api.EventMessage, bool) {
	if t == nil || t.Type != workflow.TaskTypeEvent || !u.Started {
		return api.EventMessage{}, false
	}
	queue, _ := u.Output[eventProducedKey].(string)
	if !strings.HasPrefix(queue, "conductor:") {
		return api.EventMessage{}, false
	}
	return api.EventMessage{Queue: queue, ID: t.ID, Payload: u.Output}, true
}

// startEvent publishes the EVENT task's payload: its input (with "sink")
// and workflowInstanceId, workflowType, workflowVersion, correlationId,
// taskToDomain and event_produced (the queue). It completes at once, or
// with asyncComplete stays IN_PROGRESS until an update from outside.
func (dc *decision) startEvent(wt *workflow.WorkflowTask, row string, input map[string]any) started {
	input["sink"] = wt.Sink
	queue, ok := eventQueue(wt.Sink, dc.s.Name, row)
	if !ok {
		return started{status: api.TaskFailed, reason: "Invalid / Unsupported sink specified: " + wt.Sink}
	}
	out := make(map[string]any, len(input)+6)
	for k, v := range input {
		out[k] = v
	}
	out["workflowInstanceId"] = dc.s.WorkflowID
	out["workflowType"] = dc.s.Name
	out["workflowVersion"] = dc.s.Version
	if dc.s.CorrelationID != "" {
		out["correlationId"] = dc.s.CorrelationID
	} else {
		out["correlationId"] = nil
	}
	domains := map[string]any{}
	for k, v := range dc.s.TaskToDomain {
		domains[k] = v
	}
	out["taskToDomain"] = domains
	out[eventProducedKey] = queue
	status := api.TaskCompleted
	if wt.AsyncComplete {
		status = api.TaskInProgress
	}
	return started{status: status, output: out}
}
