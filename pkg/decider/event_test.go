package decider

import (
	"testing"

	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/workflow"
)

func TestPublished(t *testing.T) {
	ev := &Task{ID: "t1", Type: workflow.TaskTypeEvent}
	start := &events.TaskUpdatedData{TaskID: "t1", Status: "COMPLETED", Started: true,
		Output: map[string]any{"k": "v", eventProducedKey: "conductor:wf:ev"}}
	m, ok := Published(ev, start)
	if !ok || m.Queue != "conductor:wf:ev" || m.ID != "t1" || m.Payload.(map[string]any)["k"] != "v" {
		t.Errorf("Published(conductor start) = %+v, %v", m, ok)
	}
	for name, c := range map[string]struct {
		task *Task
		u    *events.TaskUpdatedData
	}{
		"other sink": {ev, &events.TaskUpdatedData{Started: true, Output: map[string]any{eventProducedKey: "sqs:q"}}},
		"a later update of an asyncComplete EVENT": {ev, &events.TaskUpdatedData{Status: "COMPLETED", Output: start.Output}},
		"another task type":                        {&Task{ID: "t1", Type: workflow.TaskTypeWait}, start},
		"an unknown task":                          {nil, start},
	} {
		if m, ok := Published(c.task, c.u); ok {
			t.Errorf("%s: published %+v", name, m)
		}
	}
}
