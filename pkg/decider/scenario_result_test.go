package decider

import (
	"fmt"
	"strings"
)

// describeRare prints the parts of a Result that most steps leave empty:
// messages, notes, dropped rows and correlation moves. (Every step's
// Running flags, task index puts and Timer are checked in result_test.go.)
func (h *harness) describeRare(b *strings.Builder, res *Result) {
	for _, m := range res.Messages {
		fmt.Fprintf(b, "effect message %s sink=%s\n", h.name(m.ID), m.Queue)
	}
	if n := res.Notes.ChildEnded; n != nil {
		fmt.Fprintf(b, "note child-ended parent=%s task=%s status=%s\n", n.WorkflowInstanceID, n.TaskID, n.Status)
	}
	for _, c := range res.Notes.TerminateChildren {
		fmt.Fprintf(b, "note terminate child=%s reason=%q\n", c.WorkflowID, c.Reason)
	}
	if res.Notes.StartFailureWorkflow {
		fmt.Fprintf(b, "note start-failure-workflow %s\n", h.s.FailureWorkflow.Name)
	}
	if len(res.Index.DropTasks) > 0 {
		names := make([]string, len(res.Index.DropTasks))
		for i, id := range res.Index.DropTasks {
			names[i] = h.name(id)
		}
		fmt.Fprintf(b, "index drop %s\n", strings.Join(names, " "))
	}
	for _, c := range res.Index.DelCorrelation {
		fmt.Fprintf(b, "index correlation -%s v%d\n", c.CorrelationID, c.Version)
	}
	for _, c := range res.Index.PutCorrelation {
		fmt.Fprintf(b, "index correlation +%s v%d\n", c.CorrelationID, c.Version)
	}
}
