package workflow

// Task types of Conductor's workflow language (WorkflowTask.type). Workers
// poll SIMPLE tasks by their name; every other type is run by the engine.
const (
	TaskTypeSimple          = "SIMPLE"
	TaskTypeDecision        = "DECISION"
	TaskTypeSwitch          = "SWITCH"
	TaskTypeForkJoin        = "FORK_JOIN"
	TaskTypeForkJoinDynamic = "FORK_JOIN_DYNAMIC"
	TaskTypeJoin            = "JOIN"
	TaskTypeExclusiveJoin   = "EXCLUSIVE_JOIN"
	TaskTypeDynamic         = "DYNAMIC"
	TaskTypeDoWhile         = "DO_WHILE"
	TaskTypeSubWorkflow     = "SUB_WORKFLOW"
	TaskTypeStartWorkflow   = "START_WORKFLOW"
	TaskTypeWait            = "WAIT"
	TaskTypeHuman           = "HUMAN"
	TaskTypeHTTP            = "HTTP"
	TaskTypeInline          = "INLINE"
	TaskTypeLambda          = "LAMBDA"
	TaskTypeJSONJQTransform = "JSON_JQ_TRANSFORM"
	TaskTypeSetVariable     = "SET_VARIABLE"
	TaskTypeTerminate       = "TERMINATE"
	TaskTypeEvent           = "EVENT"
	TaskTypeNoop            = "NOOP"
	TaskTypeKafkaPublish    = "KAFKA_PUBLISH"
	TaskTypeWaitForWebhook  = "WAIT_FOR_WEBHOOK"
)

var knownTaskTypes = map[string]bool{
	TaskTypeSimple: true, TaskTypeDecision: true, TaskTypeSwitch: true,
	TaskTypeForkJoin: true, TaskTypeForkJoinDynamic: true, TaskTypeJoin: true,
	TaskTypeExclusiveJoin: true, TaskTypeDynamic: true, TaskTypeDoWhile: true,
	TaskTypeSubWorkflow: true, TaskTypeStartWorkflow: true, TaskTypeWait: true,
	TaskTypeHuman: true, TaskTypeHTTP: true, TaskTypeInline: true,
	TaskTypeLambda: true, TaskTypeJSONJQTransform: true, TaskTypeSetVariable: true,
	TaskTypeTerminate: true, TaskTypeEvent: true, TaskTypeNoop: true,
	TaskTypeKafkaPublish: true, TaskTypeWaitForWebhook: true,
}

// KnownTaskType reports whether t is a task type of the language. Unlike
// Conductor, which runs an unknown type as a worker task, Legato rejects
// it: Conductor's own JSON uses SIMPLE for worker tasks, so an unknown type
// is almost always a typo.
func KnownTaskType(t string) bool { return knownTaskTypes[t] }
