package workflow

// Conductor's enum values for the policy fields of TaskDef and WorkflowDef.
const (
	RetryFixed              = "FIXED"
	RetryExponentialBackoff = "EXPONENTIAL_BACKOFF"
	RetryLinearBackoff      = "LINEAR_BACKOFF"

	TimeoutRetry     = "RETRY"
	TimeoutWorkflow  = "TIME_OUT_WF"
	TimeoutAlertOnly = "ALERT_ONLY"
)

// Defaults Conductor gives a definition's fields when a client leaves them
// out (the Java field initialisers of TaskDef and WorkflowDef).
const (
	DefaultRetryCount                  = 3
	DefaultRetryDelaySeconds           = 60
	DefaultBackoffScaleFactor          = 1
	DefaultResponseTimeoutSeconds      = 3600
	DefaultRateLimitFrequencyInSeconds = 1
	DefaultWorkflowVersion             = 1
	SchemaVersion                      = 2
)

// ApplyDefaults fills the fields a client left out with the values Conductor
// stores and returns for them. Fields set explicitly, including explicit
// zeros of pointer fields such as retryCount, are kept.
func (d *TaskDef) ApplyDefaults() {
	if d.RetryCount == nil {
		d.RetryCount = ptr(DefaultRetryCount)
	}
	if d.RetryLogic == "" {
		d.RetryLogic = RetryFixed
	}
	if d.RetryDelaySeconds == nil {
		d.RetryDelaySeconds = ptr(int64(DefaultRetryDelaySeconds))
	}
	if d.BackoffScaleFactor == nil {
		d.BackoffScaleFactor = ptr(DefaultBackoffScaleFactor)
	}
	if d.ResponseTimeoutSeconds == nil {
		d.ResponseTimeoutSeconds = ptr(int64(DefaultResponseTimeoutSeconds))
	}
	if d.TimeoutPolicy == "" {
		d.TimeoutPolicy = TimeoutWorkflow
	}
	if d.RateLimitPerFrequency == nil {
		d.RateLimitPerFrequency = ptr(0)
	}
	if d.RateLimitFrequencyInSeconds == nil {
		d.RateLimitFrequencyInSeconds = ptr(DefaultRateLimitFrequencyInSeconds)
	}
	if d.TaskStatusListenerEnabled == nil {
		d.TaskStatusListenerEnabled = ptr(true)
	}
}

// ApplyDefaults fills the fields a client left out with the values Conductor
// stores and returns for them, in the definition and in every task nested
// in it. A version of 0 becomes 1: Conductor's default, and 0 means "latest"
// everywhere a version is looked up.
func (d *WorkflowDef) ApplyDefaults() {
	if d.Version == 0 {
		d.Version = DefaultWorkflowVersion
	}
	if d.SchemaVersion == 0 {
		d.SchemaVersion = SchemaVersion
	}
	if d.Restartable == nil {
		d.Restartable = ptr(true)
	}
	if d.TimeoutPolicy == "" {
		d.TimeoutPolicy = TimeoutAlertOnly
	}
	if d.EnforceSchema == nil {
		d.EnforceSchema = ptr(true)
	}
	Walk(d.Tasks, func(_ string, t *WorkflowTask) {
		t.applyDefaults()
	})
}

func (t *WorkflowTask) applyDefaults() {
	if t.Type == "" {
		t.Type = TaskTypeSimple
	}
	if t.TaskDefinition != nil {
		t.TaskDefinition.ApplyDefaults()
	}
}

func ptr[T any](v T) *T { return &v }
