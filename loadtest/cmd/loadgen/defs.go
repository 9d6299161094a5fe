package main

import (
	"context"
	"fmt"

	"github.com/legatohq/legato/pkg/client"
	"github.com/legatohq/legato/pkg/workflow"
)

// Names of the definitions loadgen registers.
const (
	orderWorkflow = "order_fulfillment"
	validateTask  = "validate_order"
	chargeTask    = "charge_payment"
	shipTask      = "ship_order"

	idleWorkflow = "idle_probe"
	idleTask     = "idle_never_polled"

	timerWorkflow = "timer_probe"

	fanoutWorkflow = "fanout_probe"
	fanoutTask     = "fanout_branch"

	loopWorkflow = "loop_probe"
	loopTask     = "loop_step"
	loopKeepLast = 10

	ownerEmail = "loadtest@legato.invalid"
)

// taskDef keeps the default retries, but retries at once: with -fail-rate
// the retries are part of the measured work, not a pause.
func taskDef(name string) *workflow.TaskDef {
	responseTimeout, retryDelay := int64(30), int64(0)
	return &workflow.TaskDef{
		Name:                   name,
		Description:            "loadgen task",
		ResponseTimeoutSeconds: &responseTimeout,
		RetryDelaySeconds:      &retryDelay,
		OwnerEmail:             ownerEmail,
	}
}

// probe is a loadgen workflow definition: version 1, schema 2.
func probe(name, description string, tasks ...*workflow.WorkflowTask) *workflow.WorkflowDef {
	return &workflow.WorkflowDef{
		Name:          name,
		Description:   "loadgen: " + description,
		Version:       1,
		SchemaVersion: 2,
		OwnerEmail:    ownerEmail,
		Tasks:         tasks,
	}
}

func simple(name, ref string, input map[string]any) *workflow.WorkflowTask {
	return &workflow.WorkflowTask{Name: name, TaskReferenceName: ref, Type: "SIMPLE", InputParameters: input}
}

// orderFulfillment is validate → charge → ship. ship also receives the
// order id so that loadgen can tell, from the ship task alone, which of its
// workflows just finished.
func orderFulfillment() *workflow.WorkflowDef {
	def := probe(orderWorkflow, "validate, charge, ship",
		simple(validateTask, "validate", map[string]any{
			"orderId":    "${workflow.input.orderId}",
			"customerId": "${workflow.input.customerId}",
		}),
		simple(chargeTask, "charge", map[string]any{
			"amount":     "${validate.output.totalAmount}",
			"customerId": "${workflow.input.customerId}",
		}),
		simple(shipTask, "ship", map[string]any{
			"paymentId": "${charge.output.paymentId}",
			"orderId":   "${workflow.input.orderId}",
		}),
	)
	def.OutputParameters = map[string]any{
		"orderId":        "${workflow.input.orderId}",
		"paymentId":      "${charge.output.paymentId}",
		"trackingNumber": "${ship.output.trackingNumber}",
	}
	return def
}

func idleProbe() *workflow.WorkflowDef {
	return probe(idleWorkflow, "one task nobody polls",
		simple(idleTask, "wait_here", map[string]any{"n": "${workflow.input.n}"}))
}

// timerProbe is one WAIT for the duration in its input.
func timerProbe() *workflow.WorkflowDef {
	return probe(timerWorkflow, "one WAIT", &workflow.WorkflowTask{Name: "wait", TaskReferenceName: "wait", Type: "WAIT",
		InputParameters: map[string]any{"duration": "${workflow.input.duration}"}})
}

// fanoutProbe forks input.branches fanout_branch tasks with one
// FORK_JOIN_DYNAMIC (dynamicForkTasksParam and
// dynamicForkTasksInputParamName, as Conductor's dyn_fork_test), then
// JOINs them; the JOIN is the last task, so its output (one entry per
// branch) is the workflow's. A JSON_JQ_TRANSFORM task builds the fork list
// from the count, because a list of 100,000 entries would not fit in the
// server's 4 MiB request body limit. Its entries are minimal (the branch
// index is in the reference name, the input map is empty), yet a script
// may grow the server's heap by 64 MiB at most (pkg/script), which a list
// of 100,000 entries exceeds: that size fails at fork_list.
func fanoutProbe() *workflow.WorkflowDef {
	return probe(fanoutWorkflow, "one dynamic fork of input.branches tasks",
		&workflow.WorkflowTask{Name: "fork_list", TaskReferenceName: "fork_list", Type: "JSON_JQ_TRANSFORM", InputParameters: map[string]any{
			"branches":        "${workflow.input.branches}",
			"queryExpression": `{tasks: [range(.branches) | {name: "` + fanoutTask + `", taskReferenceName: "b\(.)"}], inputs: {}}`,
		}},
		&workflow.WorkflowTask{Name: "fork", TaskReferenceName: "fork", Type: "FORK_JOIN_DYNAMIC",
			InputParameters: map[string]any{
				"dynamicTasks":      "${fork_list.output.result.tasks}",
				"dynamicTasksInput": "${fork_list.output.result.inputs}",
			},
			DynamicForkTasksParam: "dynamicTasks", DynamicForkTasksInputParamName: "dynamicTasksInput"},
		&workflow.WorkflowTask{Name: "join", TaskReferenceName: "join", Type: "JOIN"},
	)
}

// loopProbe runs one loop_step task input.iterations times in a DO_WHILE
// that keeps only its last loopKeepLast iterations (keepLastN), so that a
// long loop's state stays small. The condition is written as in
// Conductor's do_while_integration_test; $.loop['iteration'] is the
// iteration just finished.
func loopProbe() *workflow.WorkflowDef {
	return probe(loopWorkflow, "a DO_WHILE of input.iterations SIMPLE tasks",
		&workflow.WorkflowTask{Name: "loop", TaskReferenceName: "loop", Type: "DO_WHILE",
			InputParameters: map[string]any{"iterations": "${workflow.input.iterations}", "keepLastN": loopKeepLast},
			LoopCondition:   "if ($.loop['iteration'] < $.iterations) { true; } else { false; }",
			LoopOver: []*workflow.WorkflowTask{
				simple(loopTask, "step", map[string]any{"iteration": "${loop.output.iteration}"}),
			},
		})
}

func register(ctx context.Context, c *client.Client, def *workflow.WorkflowDef, tasks ...string) error {
	defs := make([]*workflow.TaskDef, len(tasks))
	for i, t := range tasks {
		defs[i] = taskDef(t)
	}
	if len(defs) > 0 {
		if err := c.RegisterTaskDefs(ctx, defs); err != nil {
			return fmt.Errorf("register task defs: %w", err)
		}
	}
	if err := c.RegisterWorkflowDef(ctx, def, true); err != nil {
		return fmt.Errorf("register workflow %s: %w", def.Name, err)
	}
	return nil
}
