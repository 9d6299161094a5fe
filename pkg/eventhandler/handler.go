package eventhandler

// Handler is Conductor's EventHandler. Active defaults to false, as
// upstream: only active handlers consume their queue.
type Handler struct {
	Name string `json:"name"`
	// Event is the queue the handler consumes, "type:queue" (kafka:topic,
	// conductor:workflow:ref).
	Event     string   `json:"event"`
	Condition string   `json:"condition,omitempty"`
	Actions   []Action `json:"actions"`
	Active    bool     `json:"active"`
	// EvaluatorType picks the condition's language: javascript (also
	// graaljs, and the default) or value-param (the payload key whose
	// value is tested).
	EvaluatorType string `json:"evaluatorType,omitempty"`
}

// Action names. Legato runs start_workflow, complete_task and fail_task;
// the others are accepted and answer "Action not supported", as OSS does
// for terminate_workflow and update_workflow_variables (OSS runs
// start_agent with its agent module, which Legato does not have).
const (
	ActionStartWorkflow           = "start_workflow"
	ActionCompleteTask            = "complete_task"
	ActionFailTask                = "fail_task"
	ActionTerminateWorkflow       = "terminate_workflow"
	ActionUpdateWorkflowVariables = "update_workflow_variables"
	ActionStartAgent              = "start_agent"
)

// Action is one thing a handler does with a message. Only the parameters
// its Action names are read.
type Action struct {
	Action        string         `json:"action"`
	StartWorkflow *StartWorkflow `json:"start_workflow,omitempty"`
	CompleteTask  *TaskDetails   `json:"complete_task,omitempty"`
	FailTask      *TaskDetails   `json:"fail_task,omitempty"`
	// The parameters of actions Legato does not run are kept as sent.
	TerminateWorkflow       map[string]any `json:"terminate_workflow,omitempty"`
	UpdateWorkflowVariables map[string]any `json:"update_workflow_variables,omitempty"`
	StartAgent              map[string]any `json:"start_agent,omitempty"`
	// ExpandInlineJSON parses strings of the payload that hold JSON
	// objects or arrays before the parameters are resolved.
	ExpandInlineJSON bool `json:"expandInlineJSON"`
}

// StartWorkflow are start_workflow's parameters; strings may hold ${...}
// read from the payload (name and version are taken as written).
type StartWorkflow struct {
	Name          string            `json:"name,omitempty"`
	Version       int               `json:"version,omitempty"`
	CorrelationID string            `json:"correlationId,omitempty"`
	Input         map[string]any    `json:"input,omitempty"`
	TaskToDomain  map[string]string `json:"taskToDomain,omitempty"`
}

// TaskDetails are complete_task's and fail_task's parameters: the task is
// TaskID, or the open task TaskRefName of WorkflowID.
type TaskDetails struct {
	WorkflowID  string         `json:"workflowId,omitempty"`
	TaskRefName string         `json:"taskRefName,omitempty"`
	TaskID      string         `json:"taskId,omitempty"`
	Output      map[string]any `json:"output,omitempty"`
}
