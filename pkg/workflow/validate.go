package workflow

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/legatohq/legato/pkg/expr"
)

// ErrInvalid is wrapped by every error Validate returns.
var ErrInvalid = errors.New("workflow: invalid definition")

// Problem is one reason a definition is invalid. Path locates the field in
// the definition's JSON ("tasks[1].loopCondition"); Message says what is
// wrong and names the task.
type Problem struct {
	Path    string
	Message string
}

// ValidationError lists every problem found in one definition. It wraps
// ErrInvalid.
type ValidationError struct {
	// Kind is "workflow" or "task definition"; Name is the definition's name.
	Kind     string
	Name     string
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "invalid %s %q: ", e.Kind, e.Name)
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.Message)
	}
	return b.String()
}

func (e *ValidationError) Unwrap() error { return ErrInvalid }

// problems collects Problems for one definition.
type problems []Problem

func (ps *problems) add(path, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (ps problems) err(kind, name string) error {
	if len(ps) == 0 {
		return nil
	}
	return &ValidationError{Kind: kind, Name: name, Problems: ps}
}

// envName matches the names Conductor resolves from the environment or JVM
// properties (${NETFLIX_ENV}, ${HOSTNAME}...). Only ALL-CAPS names are
// allowed so that a misspelt task reference is not mistaken for one.
var envName = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// taskIDRoot is the expression root that resolves to the id of the task
// being scheduled.
const taskIDRoot = "CPEWF_TASK_ID"

// Validate reports whether d is a definition the engine can run. Call it
// after ApplyDefaults; zero values it would fill are accepted as defaults.
// The error lists every problem found and wraps ErrInvalid.
//
// Beyond what Conductor checks, Validate rejects unknown task types, broken
// ${...} expressions and, in top-level tasks, expressions whose root is not
// "workflow", a task reference of this workflow, CPEWF_TASK_ID or an
// environment-style ALL-CAPS name. Null input values are allowed.
func (d *WorkflowDef) Validate() error {
	var ps problems
	if strings.TrimSpace(d.Name) == "" {
		ps.add("name", "workflow name is required")
	}
	if d.Version < 0 {
		ps.add("version", "version must be at least 1, got %d", d.Version)
	}
	if d.SchemaVersion != 0 && d.SchemaVersion != SchemaVersion {
		ps.add("schemaVersion", "schemaVersion must be %d, got %d", SchemaVersion, d.SchemaVersion)
	}
	switch d.TimeoutPolicy {
	case "", TimeoutWorkflow, TimeoutAlertOnly:
	default:
		ps.add("timeoutPolicy", "timeoutPolicy must be %s or %s, got %q", TimeoutWorkflow, TimeoutAlertOnly, d.TimeoutPolicy)
	}
	if d.TimeoutSeconds < 0 {
		ps.add("timeoutSeconds", "timeoutSeconds must not be negative, got %d", d.TimeoutSeconds)
	}
	if err := expr.Check(d.OutputParameters); err != nil {
		ps.add("outputParameters", "outputParameters: %v", err)
	}
	if len(d.Tasks) == 0 {
		ps.add("tasks", "workflow has no tasks")
		return ps.err("workflow", d.Name)
	}

	refs := map[string]string{} // taskReferenceName -> path of first use
	validateList(&ps, "tasks", d.Tasks, refs)

	// Only top-level tasks are checked for unknown roots, as in Conductor:
	// nested tasks may refer to loop-local or dynamic references.
	for i, t := range d.Tasks {
		if t == nil {
			continue
		}
		for _, root := range expr.Roots(t.InputParameters) {
			if root == "workflow" || root == taskIDRoot || envName.MatchString(root) {
				continue
			}
			if _, ok := refs[root]; ok {
				continue
			}
			ps.add(fmt.Sprintf("tasks[%d].inputParameters", i),
				"%s: input refers to %q, which is neither \"workflow\" nor a taskReferenceName of this workflow", taskLabel(t), root)
		}
	}
	return ps.err("workflow", d.Name)
}

// validateList checks one list of tasks (the top level, a case, a fork
// branch, a loop body) and, recursively, the lists nested in it.
func validateList(ps *problems, prefix string, tasks []*WorkflowTask, refs map[string]string) {
	for i, t := range tasks {
		path := fmt.Sprintf("%s[%d]", prefix, i)
		if t == nil {
			ps.add(path, "%s is null", path)
			continue
		}
		validateTask(ps, path, t, refs)
		if t.Type == TaskTypeForkJoin || t.Type == TaskTypeForkJoinDynamic {
			if i+1 >= len(tasks) || tasks[i+1] == nil || tasks[i+1].Type != TaskTypeJoin {
				ps.add(path, "%s: a %s task must be followed by a JOIN task", taskLabel(t), t.Type)
			}
		}
		for _, k := range sortedKeys(t.DecisionCases) {
			validateList(ps, path+".decisionCases."+k, t.DecisionCases[k], refs)
		}
		validateList(ps, path+".defaultCase", t.DefaultCase, refs)
		for j, branch := range t.ForkTasks {
			validateList(ps, fmt.Sprintf("%s.forkTasks[%d]", path, j), branch, refs)
		}
		validateList(ps, path+".loopOver", t.LoopOver, refs)
	}
}

func validateTask(ps *problems, path string, t *WorkflowTask, refs map[string]string) {
	label := taskLabel(t)
	if label == "" {
		label = "task at " + path
	}
	if strings.TrimSpace(t.Name) == "" {
		ps.add(path+".name", "%s: name is required", label)
	}
	if t.TaskReferenceName == "" {
		ps.add(path+".taskReferenceName", "%s: taskReferenceName is required", label)
	} else if first, dup := refs[t.TaskReferenceName]; dup {
		ps.add(path+".taskReferenceName", "%s: taskReferenceName %q is already used by the task at %s", label, t.TaskReferenceName, first)
	} else {
		refs[t.TaskReferenceName] = path
	}
	typ := t.Type
	if typ == "" {
		typ = TaskTypeSimple
	}
	if !KnownTaskType(typ) {
		ps.add(path+".type", "%s: unknown task type %q (worker tasks use %s)", label, t.Type, TaskTypeSimple)
	}
	if err := expr.Check(t.InputParameters); err != nil {
		ps.add(path+".inputParameters", "%s: inputParameters: %v", label, err)
	}

	switch typ {
	case TaskTypeSwitch, TaskTypeDecision:
		if len(t.DecisionCases) == 0 && len(t.DefaultCase) == 0 {
			ps.add(path+".decisionCases", "%s: a %s task needs decisionCases or a defaultCase", label, typ)
		}
		if typ == TaskTypeSwitch && t.EvaluatorType == "" {
			ps.add(path+".evaluatorType", "%s: a SWITCH task needs an evaluatorType (value-param or javascript)", label)
		}
	case TaskTypeDoWhile:
		if strings.TrimSpace(t.LoopCondition) == "" && t.Items == nil {
			ps.add(path+".loopCondition", "%s: a DO_WHILE task needs a loopCondition", label)
		}
	case TaskTypeSubWorkflow:
		p := t.SubWorkflowParam
		if p == nil || (strings.TrimSpace(p.Name) == "" && p.WorkflowDefinition == nil) {
			ps.add(path+".subWorkflowParam", "%s: a SUB_WORKFLOW task needs subWorkflowParam with a name or a workflowDefinition", label)
		}
	case TaskTypeHTTP:
		if !hasHTTPURI(t.InputParameters) {
			ps.add(path+".inputParameters.http_request.uri", "%s: an HTTP task needs inputParameters.http_request.uri", label)
		}
	}
}

// hasHTTPURI reports whether an HTTP task's input names a URI. A request
// given as a ${...} expression can only be checked when the task runs.
func hasHTTPURI(in map[string]any) bool {
	switch req := in["http_request"].(type) {
	case map[string]any:
		if present(req["uri"]) {
			return true
		}
	case string:
		if strings.Contains(req, "${") {
			return true
		}
	}
	return present(in["uri"])
}

func present(v any) bool {
	if s, ok := v.(string); ok {
		return strings.TrimSpace(s) != ""
	}
	return v != nil
}

// taskLabel names a task in messages by its reference name, which is unique
// in the workflow, falling back to its name.
func taskLabel(t *WorkflowTask) string {
	switch {
	case t.TaskReferenceName != "":
		return fmt.Sprintf("task %q", t.TaskReferenceName)
	case t.Name != "":
		return fmt.Sprintf("task named %q", t.Name)
	}
	return ""
}

// Validate reports whether d is a task definition the engine accepts, with
// Conductor's rules. Call it after ApplyDefaults; nil fields are accepted
// as their defaults. The error lists every problem found and wraps
// ErrInvalid.
func (d *TaskDef) Validate() error {
	var ps problems
	if strings.TrimSpace(d.Name) == "" {
		ps.add("name", "task definition name is required")
	}
	if d.RetryCount != nil && *d.RetryCount < 0 {
		ps.add("retryCount", "retryCount must not be negative, got %d", *d.RetryCount)
	}
	switch d.RetryLogic {
	case "", RetryFixed, RetryExponentialBackoff, RetryLinearBackoff:
	default:
		ps.add("retryLogic", "retryLogic must be %s, %s or %s, got %q", RetryFixed, RetryExponentialBackoff, RetryLinearBackoff, d.RetryLogic)
	}
	switch d.TimeoutPolicy {
	case "", TimeoutRetry, TimeoutWorkflow, TimeoutAlertOnly:
	default:
		ps.add("timeoutPolicy", "timeoutPolicy must be %s, %s or %s, got %q", TimeoutRetry, TimeoutWorkflow, TimeoutAlertOnly, d.TimeoutPolicy)
	}
	if d.RetryDelaySeconds != nil && *d.RetryDelaySeconds < 0 {
		ps.add("retryDelaySeconds", "retryDelaySeconds must not be negative, got %d", *d.RetryDelaySeconds)
	}
	if d.BackoffScaleFactor != nil && *d.BackoffScaleFactor < 1 {
		ps.add("backoffScaleFactor", "backoffScaleFactor must be at least 1, got %d", *d.BackoffScaleFactor)
	}
	for _, f := range []struct {
		name string
		v    int64
	}{
		{"timeoutSeconds", d.TimeoutSeconds},
		{"totalTimeoutSeconds", d.TotalTimeoutSeconds},
		{"maxRetryDelaySeconds", d.MaxRetryDelaySeconds},
		{"backoffJitterMs", d.BackoffJitterMs},
		{"pollTimeoutSeconds", deref64(d.PollTimeoutSeconds)},
		{"concurrentExecLimit", int64(deref(d.ConcurrentExecLimit))},
		{"rateLimitPerFrequency", int64(deref(d.RateLimitPerFrequency))},
		{"rateLimitFrequencyInSeconds", int64(deref(d.RateLimitFrequencyInSeconds))},
	} {
		if f.v < 0 {
			ps.add(f.name, "%s must not be negative, got %d", f.name, f.v)
		}
	}
	resp := int64(DefaultResponseTimeoutSeconds)
	if d.ResponseTimeoutSeconds != nil {
		resp = *d.ResponseTimeoutSeconds
	}
	if resp < 1 {
		ps.add("responseTimeoutSeconds", "responseTimeoutSeconds must be at least 1, got %d", resp)
	} else if d.TimeoutSeconds > 0 && resp > d.TimeoutSeconds {
		ps.add("responseTimeoutSeconds", "responseTimeoutSeconds (%d) must not exceed timeoutSeconds (%d)", resp, d.TimeoutSeconds)
	}
	return ps.err("task definition", d.Name)
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

func deref64(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}
