package workflow

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wf builds a workflow definition around a JSON task list.
func wf(tasks string) string {
	return `{"name":"w","version":1,"schemaVersion":2,"tasks":` + tasks + `}`
}

func TestWorkflowDefValidate(t *testing.T) {
	tests := []struct {
		name string
		def  string
		// want lists substrings of the error; none means the def is valid.
		want []string
	}{
		{"minimal", wf(`[{"name":"a","taskReferenceName":"a"}]`), nil},
		{"missing name", `{"tasks":[{"name":"a","taskReferenceName":"a"}]}`, []string{"workflow name is required"}},
		{"no tasks", `{"name":"w","tasks":[]}`, []string{"workflow has no tasks"}},
		{"null task", wf(`[null]`), []string{"tasks[0] is null"}},
		{"negative version", `{"name":"w","version":-1,"tasks":[{"name":"a","taskReferenceName":"a"}]}`, []string{"version must be at least 1"}},
		{"schema version 1", `{"name":"w","schemaVersion":1,"tasks":[{"name":"a","taskReferenceName":"a"}]}`, []string{"schemaVersion must be 2, got 1"}},
		{"bad workflow timeout policy", `{"name":"w","timeoutPolicy":"RETRY","tasks":[{"name":"a","taskReferenceName":"a"}]}`, []string{"timeoutPolicy must be"}},
		{"missing task name", wf(`[{"taskReferenceName":"a"}]`), []string{`task "a": name is required`}},
		{"missing ref", wf(`[{"name":"a"}]`), []string{`task named "a": taskReferenceName is required`}},
		{"duplicate ref top level", wf(`[{"name":"a","taskReferenceName":"x"},{"name":"b","taskReferenceName":"x"}]`),
			[]string{`taskReferenceName "x" is already used by the task at tasks[0]`}},
		{"duplicate ref in decision case", wf(`[{"name":"a","taskReferenceName":"x"},
			{"name":"s","taskReferenceName":"s","type":"SWITCH","evaluatorType":"value-param","expression":"k",
			 "decisionCases":{"one":[{"name":"b","taskReferenceName":"x"}]}}]`),
			[]string{`already used by the task at tasks[0]`}},
		{"duplicate ref in default case", wf(`[{"name":"s","taskReferenceName":"s","type":"DECISION","caseValueParam":"k",
			 "decisionCases":{"one":[{"name":"b","taskReferenceName":"y"}]},"defaultCase":[{"name":"c","taskReferenceName":"y"}]}]`),
			[]string{`taskReferenceName "y" is already used by the task at tasks[0].decisionCases.one[0]`}},
		{"duplicate ref across fork branches", wf(`[{"name":"f","taskReferenceName":"f","type":"FORK_JOIN",
			 "forkTasks":[[{"name":"a","taskReferenceName":"z"}],[{"name":"b","taskReferenceName":"z"}]]},
			{"name":"j","taskReferenceName":"j","type":"JOIN","joinOn":["z"]}]`),
			[]string{`taskReferenceName "z" is already used by the task at tasks[0].forkTasks[0][0]`}},
		{"duplicate ref in loop", wf(`[{"name":"l","taskReferenceName":"l","type":"DO_WHILE","loopCondition":"false",
			 "loopOver":[{"name":"a","taskReferenceName":"l"}]}]`),
			[]string{`taskReferenceName "l" is already used`}},
		{"unknown type", wf(`[{"name":"a","taskReferenceName":"a","type":"my_worker"}]`), []string{`task "a": unknown task type "my_worker"`}},
		{"unknown nested type", wf(`[{"name":"l","taskReferenceName":"l","type":"DO_WHILE","loopCondition":"false",
			 "loopOver":[{"name":"a","taskReferenceName":"a","type":"SIMPLEX"}]}]`), []string{`unknown task type "SIMPLEX"`}},
		{"every known type name parses", wf(`[{"name":"a","taskReferenceName":"a","type":"WAIT"},{"name":"b","taskReferenceName":"b","type":"HUMAN"},
			{"name":"c","taskReferenceName":"c","type":"NOOP"},{"name":"d","taskReferenceName":"d","type":"KAFKA_PUBLISH"},
			{"name":"e","taskReferenceName":"e","type":"WAIT_FOR_WEBHOOK"},{"name":"f","taskReferenceName":"f","type":"TERMINATE"}]`), nil},
		{"broken expression", wf(`[{"name":"a","taskReferenceName":"a","inputParameters":{"x":"${workflow.input.a"}}]`),
			[]string{`task "a": inputParameters:`}},
		{"broken output expression", `{"name":"w","outputParameters":{"o":"${workflow.input"},"tasks":[{"name":"a","taskReferenceName":"a"}]}`,
			[]string{"outputParameters:"}},
		{"unknown root", wf(`[{"name":"a","taskReferenceName":"a","inputParameters":{"x":"${nope.output.y}"}}]`),
			[]string{`task "a": input refers to "nope"`}},
		{"unknown root deep in input", wf(`[{"name":"a","taskReferenceName":"a","inputParameters":{"x":{"y":["${Typo.output}"]}}}]`),
			[]string{`refers to "Typo"`}},
		{"known roots", wf(`[{"name":"a","taskReferenceName":"a","inputParameters":{
			"w":"${workflow.input.x}","b":"${b.output.y}","n":"${nested.output}","id":"${CPEWF_TASK_ID}",
			"env":"${NETFLIX_ENV}","text":"id=${workflow.workflowId} at ${NETFLIX_STACK}","null":null}},
			{"name":"b","taskReferenceName":"b"},
			{"name":"l","taskReferenceName":"l","type":"DO_WHILE","loopCondition":"false",
			 "loopOver":[{"name":"n","taskReferenceName":"nested"}]}]`), nil},
		{"nested roots are not checked", wf(`[{"name":"l","taskReferenceName":"l","type":"DO_WHILE","loopCondition":"false",
			 "loopOver":[{"name":"n","taskReferenceName":"n","inputParameters":{"x":"${dynamic_ref.output}"}}]}]`), nil},
		{"fork without join", wf(`[{"name":"f","taskReferenceName":"f","type":"FORK_JOIN","forkTasks":[[{"name":"a","taskReferenceName":"a"}]]},
			{"name":"b","taskReferenceName":"b"}]`), []string{`task "f": a FORK_JOIN task must be followed by a JOIN task`}},
		{"fork last", wf(`[{"name":"f","taskReferenceName":"f","type":"FORK_JOIN","forkTasks":[[{"name":"a","taskReferenceName":"a"}]]}]`),
			[]string{"must be followed by a JOIN"}},
		{"dynamic fork without join", wf(`[{"name":"f","taskReferenceName":"f","type":"FORK_JOIN_DYNAMIC",
			"dynamicForkTasksParam":"t","dynamicForkTasksInputParamName":"i"}]`), []string{"FORK_JOIN_DYNAMIC task must be followed by a JOIN"}},
		{"nested fork without join", wf(`[{"name":"l","taskReferenceName":"l","type":"DO_WHILE","loopCondition":"false",
			 "loopOver":[{"name":"f","taskReferenceName":"f","type":"FORK_JOIN","forkTasks":[]}]}]`), []string{"must be followed by a JOIN"}},
		{"do while without condition", wf(`[{"name":"l","taskReferenceName":"l","type":"DO_WHILE","loopOver":[{"name":"a","taskReferenceName":"a"}]}]`),
			[]string{`task "l": a DO_WHILE task needs a loopCondition`}},
		{"do while over items", wf(`[{"name":"l","taskReferenceName":"l","type":"DO_WHILE","items":"${workflow.input.list}",
			"loopOver":[{"name":"a","taskReferenceName":"a"}]}]`), nil},
		{"sub workflow without param", wf(`[{"name":"s","taskReferenceName":"s","type":"SUB_WORKFLOW"}]`),
			[]string{`task "s": a SUB_WORKFLOW task needs subWorkflowParam`}},
		{"sub workflow with empty param", wf(`[{"name":"s","taskReferenceName":"s","type":"SUB_WORKFLOW","subWorkflowParam":{"version":1}}]`),
			[]string{"needs subWorkflowParam with a name"}},
		{"sub workflow by name", wf(`[{"name":"s","taskReferenceName":"s","type":"SUB_WORKFLOW","subWorkflowParam":{"name":"child"}}]`), nil},
		{"sub workflow inline", wf(`[{"name":"s","taskReferenceName":"s","type":"SUB_WORKFLOW","subWorkflowParam":{"workflowDefinition":{"name":"c"}}}]`), nil},
		{"http without uri", wf(`[{"name":"h","taskReferenceName":"h","type":"HTTP","inputParameters":{"http_request":{"method":"GET"}}}]`),
			[]string{`task "h": an HTTP task needs inputParameters.http_request.uri`}},
		{"http with request uri", wf(`[{"name":"h","taskReferenceName":"h","type":"HTTP","inputParameters":{"http_request":{"uri":"http://x","method":"GET"}}}]`), nil},
		{"http with top-level uri", wf(`[{"name":"h","taskReferenceName":"h","type":"HTTP","inputParameters":{"uri":"${workflow.input.u}","method":"GET"}}]`), nil},
		{"http request from expression", wf(`[{"name":"h","taskReferenceName":"h","type":"HTTP","inputParameters":{"http_request":"${workflow.input.req}"}}]`), nil},
		{"several problems reported together", wf(`[{"name":"a"},{"name":"b","taskReferenceName":"b","type":"BOGUS"}]`),
			[]string{"taskReferenceName is required", `unknown task type "BOGUS"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d WorkflowDef
			if err := json.Unmarshal([]byte(tt.def), &d); err != nil {
				t.Fatalf("decode: %v", err)
			}
			d.ApplyDefaults()
			err := d.Validate()
			checkValidation(t, err, tt.want)
		})
	}
}

func TestTaskDefValidate(t *testing.T) {
	tests := []struct {
		name string
		def  string
		want []string
	}{
		{"minimal", `{"name":"t"}`, nil},
		{"full", `{"name":"t","retryCount":0,"retryLogic":"EXPONENTIAL_BACKOFF","timeoutSeconds":120,
			"responseTimeoutSeconds":120,"timeoutPolicy":"RETRY","backoffScaleFactor":2}`, nil},
		{"missing name", `{"retryCount":1}`, []string{"task definition name is required"}},
		{"negative retry count", `{"name":"t","retryCount":-1}`, []string{"retryCount must not be negative"}},
		{"unknown retry logic", `{"name":"t","retryLogic":"RANDOM"}`, []string{`retryLogic must be FIXED, EXPONENTIAL_BACKOFF or LINEAR_BACKOFF, got "RANDOM"`}},
		{"unknown timeout policy", `{"name":"t","timeoutPolicy":"NEVER"}`, []string{`timeoutPolicy must be RETRY, TIME_OUT_WF or ALERT_ONLY, got "NEVER"`}},
		{"zero response timeout", `{"name":"t","responseTimeoutSeconds":0}`, []string{"responseTimeoutSeconds must be at least 1, got 0"}},
		{"response timeout above timeout", `{"name":"t","timeoutSeconds":10,"responseTimeoutSeconds":20}`,
			[]string{"responseTimeoutSeconds (20) must not exceed timeoutSeconds (10)"}},
		{"default response timeout above timeout", `{"name":"t","timeoutSeconds":10}`,
			[]string{"responseTimeoutSeconds (3600) must not exceed timeoutSeconds (10)"}},
		{"backoff scale below one", `{"name":"t","backoffScaleFactor":0}`, []string{"backoffScaleFactor must be at least 1"}},
		{"negative limits", `{"name":"t","concurrentExecLimit":-1,"timeoutSeconds":-5}`,
			[]string{"concurrentExecLimit must not be negative", "timeoutSeconds must not be negative"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d TaskDef
			if err := json.Unmarshal([]byte(tt.def), &d); err != nil {
				t.Fatalf("decode: %v", err)
			}
			d.ApplyDefaults()
			checkValidation(t, d.Validate(), tt.want)
		})
	}
}

func checkValidation(t *testing.T, err error, want []string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want one containing %q", want)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("error %v does not wrap ErrInvalid", err)
	}
	var ve *ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) == 0 {
		t.Errorf("error %v is not a *ValidationError with problems", err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}

// fixturesDir holds Conductor's own definitions, copied from its test suites
// and docs; every one of them must be accepted.
const fixturesDir = "../../../shared/reference/conductor-fixtures"

func TestConductorFixturesValidate(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(fixturesDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skipf("no Conductor fixtures in %s", fixturesDir)
	}
	var workflows, taskDefs int
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var raw any
		if err := json.Unmarshal(data, &raw); err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		var objs []json.RawMessage
		if _, ok := raw.([]any); ok {
			if err := json.Unmarshal(data, &objs); err != nil {
				t.Errorf("%s: %v", f, err)
			}
		} else {
			objs = []json.RawMessage{data}
		}
		for i, obj := range objs {
			var fields map[string]json.RawMessage
			if json.Unmarshal(obj, &fields) != nil {
				continue
			}
			name := filepath.Base(f)
			if len(objs) > 1 {
				name += "[" + itoa(i) + "]"
			}
			switch {
			case fields["tasks"] != nil:
				var d WorkflowDef
				if err := json.Unmarshal(obj, &d); err != nil {
					t.Errorf("%s: decode WorkflowDef: %v", name, err)
					continue
				}
				d.ApplyDefaults()
				if err := d.Validate(); err != nil {
					t.Errorf("%s: %v", name, err)
				}
				workflows++
			case fields["actions"] == nil && fields["name"] != nil:
				var d TaskDef
				if err := json.Unmarshal(obj, &d); err != nil {
					t.Errorf("%s: decode TaskDef: %v", name, err)
					continue
				}
				d.ApplyDefaults()
				if err := d.Validate(); err != nil {
					t.Errorf("%s: %v", name, err)
				}
				taskDefs++
			}
		}
	}
	t.Logf("validated %d workflow definitions and %d task definitions", workflows, taskDefs)
	if workflows == 0 {
		t.Error("no workflow definition found among the fixtures")
	}
}
