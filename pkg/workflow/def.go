package workflow

// WorkflowDef is a versioned workflow definition (Conductor's WorkflowDef).
type WorkflowDef struct {
	Name                          string          `json:"name"`
	Description                   string          `json:"description,omitempty"`
	Version                       int             `json:"version"`
	Tasks                         []*WorkflowTask `json:"tasks"`
	InputParameters               []string        `json:"inputParameters,omitempty"`
	OutputParameters              map[string]any  `json:"outputParameters,omitempty"`
	FailureWorkflow               string          `json:"failureWorkflow,omitempty"`
	FailureWorkflowVersion        *int            `json:"failureWorkflowVersion,omitempty"`
	SchemaVersion                 int             `json:"schemaVersion"`
	Restartable                   *bool           `json:"restartable,omitempty"`
	WorkflowStatusListenerEnabled bool            `json:"workflowStatusListenerEnabled"`
	WorkflowStatusListenerSink    string          `json:"workflowStatusListenerSink,omitempty"`
	OwnerEmail                    string          `json:"ownerEmail,omitempty"`
	TimeoutPolicy                 string          `json:"timeoutPolicy,omitempty"`
	TimeoutSeconds                int64           `json:"timeoutSeconds"`
	Variables                     map[string]any  `json:"variables,omitempty"`
	InputTemplate                 map[string]any  `json:"inputTemplate,omitempty"`
	RateLimitConfig               map[string]any  `json:"rateLimitConfig,omitempty"`
	InputSchema                   map[string]any  `json:"inputSchema,omitempty"`
	OutputSchema                  map[string]any  `json:"outputSchema,omitempty"`
	EnforceSchema                 *bool           `json:"enforceSchema,omitempty"`
	Metadata                      map[string]any  `json:"metadata,omitempty"`
	MaskedFields                  []string        `json:"maskedFields,omitempty"`
	OwnerApp                      string          `json:"ownerApp,omitempty"`
	CreateTime                    int64           `json:"createTime,omitempty"`
	UpdateTime                    int64           `json:"updateTime,omitempty"`
	CreatedBy                     string          `json:"createdBy,omitempty"`
	UpdatedBy                     string          `json:"updatedBy,omitempty"`
}

// WorkflowTask is one task inside a workflow definition.
type WorkflowTask struct {
	Name                           string                     `json:"name"`
	TaskReferenceName              string                     `json:"taskReferenceName"`
	Description                    string                     `json:"description,omitempty"`
	Type                           string                     `json:"type,omitempty"`
	InputParameters                map[string]any             `json:"inputParameters,omitempty"`
	StartDelay                     int64                      `json:"startDelay,omitempty"`
	Optional                       bool                       `json:"optional,omitempty"`
	AsyncComplete                  bool                       `json:"asyncComplete,omitempty"`
	RetryCount                     *int                       `json:"retryCount,omitempty"`
	TaskDefinition                 *TaskDef                   `json:"taskDefinition,omitempty"`
	RateLimited                    *bool                      `json:"rateLimited,omitempty"`
	Permissive                     bool                       `json:"permissive,omitempty"`
	Metadata                       map[string]any             `json:"metadata,omitempty"`
	OnStateChange                  map[string]any             `json:"onStateChange,omitempty"`
	CacheConfig                    map[string]any             `json:"cacheConfig,omitempty"`
	Sink                           string                     `json:"sink,omitempty"`
	SubWorkflowParam               *SubWorkflowParams         `json:"subWorkflowParam,omitempty"`
	CaseValueParam                 string                     `json:"caseValueParam,omitempty"`
	CaseExpression                 string                     `json:"caseExpression,omitempty"`
	EvaluatorType                  string                     `json:"evaluatorType,omitempty"`
	Expression                     string                     `json:"expression,omitempty"`
	DecisionCases                  map[string][]*WorkflowTask `json:"decisionCases,omitempty"`
	DefaultCase                    []*WorkflowTask            `json:"defaultCase,omitempty"`
	ForkTasks                      [][]*WorkflowTask          `json:"forkTasks,omitempty"`
	JoinOn                         []string                   `json:"joinOn,omitempty"`
	DefaultExclusiveJoinTask       []string                   `json:"defaultExclusiveJoinTask,omitempty"`
	JoinMode                       string                     `json:"joinMode,omitempty"`
	DynamicTaskNameParam           string                     `json:"dynamicTaskNameParam,omitempty"`
	DynamicForkTasksParam          string                     `json:"dynamicForkTasksParam,omitempty"`
	DynamicForkTasksInputParamName string                     `json:"dynamicForkTasksInputParamName,omitempty"`
	DynamicForkJoinTasksParam      string                     `json:"dynamicForkJoinTasksParam,omitempty"`
	LoopCondition                  string                     `json:"loopCondition,omitempty"`
	LoopOver                       []*WorkflowTask            `json:"loopOver,omitempty"`
	Items                          any                        `json:"items,omitempty"`
	ScriptExpression               string                     `json:"scriptExpression,omitempty"`
}

// SubWorkflowParams names the child workflow of a SUB_WORKFLOW task.
type SubWorkflowParams struct {
	Name                string            `json:"name,omitempty"`
	Version             *int              `json:"version,omitempty"`
	TaskToDomain        map[string]string `json:"taskToDomain,omitempty"`
	WorkflowDefinition  any               `json:"workflowDefinition,omitempty"`
	IdempotencyKey      string            `json:"idempotencyKey,omitempty"`
	IdempotencyStrategy string            `json:"idempotencyStrategy,omitempty"`
	Priority            any               `json:"priority,omitempty"`
}

// TaskDef is a registered task definition: retry, timeout and rate-limit
// policy shared by every workflow that uses a task of that name.
type TaskDef struct {
	Name                        string         `json:"name"`
	Description                 string         `json:"description,omitempty"`
	RetryCount                  *int           `json:"retryCount,omitempty"`
	RetryLogic                  string         `json:"retryLogic,omitempty"`
	RetryDelaySeconds           *int64         `json:"retryDelaySeconds,omitempty"`
	BackoffScaleFactor          *int           `json:"backoffScaleFactor,omitempty"`
	MaxRetryDelaySeconds        int64          `json:"maxRetryDelaySeconds,omitempty"`
	BackoffJitterMs             int64          `json:"backoffJitterMs,omitempty"`
	TimeoutSeconds              int64          `json:"timeoutSeconds"`
	TotalTimeoutSeconds         int64          `json:"totalTimeoutSeconds,omitempty"`
	TimeoutPolicy               string         `json:"timeoutPolicy,omitempty"`
	ResponseTimeoutSeconds      *int64         `json:"responseTimeoutSeconds,omitempty"`
	PollTimeoutSeconds          *int64         `json:"pollTimeoutSeconds,omitempty"`
	ConcurrentExecLimit         *int           `json:"concurrentExecLimit,omitempty"`
	RateLimitPerFrequency       *int           `json:"rateLimitPerFrequency,omitempty"`
	RateLimitFrequencyInSeconds *int           `json:"rateLimitFrequencyInSeconds,omitempty"`
	InputKeys                   []string       `json:"inputKeys,omitempty"`
	OutputKeys                  []string       `json:"outputKeys,omitempty"`
	InputTemplate               map[string]any `json:"inputTemplate,omitempty"`
	IsolationGroupID            string         `json:"isolationGroupId,omitempty"`
	ExecutionNameSpace          string         `json:"executionNameSpace,omitempty"`
	OwnerEmail                  string         `json:"ownerEmail,omitempty"`
	BaseType                    string         `json:"baseType,omitempty"`
	TaskStatusListenerEnabled   *bool          `json:"taskStatusListenerEnabled,omitempty"`
	InputSchema                 map[string]any `json:"inputSchema,omitempty"`
	OutputSchema                map[string]any `json:"outputSchema,omitempty"`
	EnforceSchema               bool           `json:"enforceSchema,omitempty"`
	OwnerApp                    string         `json:"ownerApp,omitempty"`
	CreateTime                  int64          `json:"createTime,omitempty"`
	UpdateTime                  int64          `json:"updateTime,omitempty"`
	CreatedBy                   string         `json:"createdBy,omitempty"`
	UpdatedBy                   string         `json:"updatedBy,omitempty"`
}
