package workflow

import (
	"encoding/json"
	"testing"
)

func TestTaskDefApplyDefaults(t *testing.T) {
	var d TaskDef
	if err := json.Unmarshal([]byte(`{"name":"t"}`), &d); err != nil {
		t.Fatal(err)
	}
	d.ApplyDefaults()
	got, err := json.Marshal(&d)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"t","retryCount":3,"retryLogic":"FIXED","retryDelaySeconds":60,"backoffScaleFactor":1,` +
		`"timeoutSeconds":0,"timeoutPolicy":"TIME_OUT_WF","responseTimeoutSeconds":3600,"rateLimitPerFrequency":0,` +
		`"rateLimitFrequencyInSeconds":1,"taskStatusListenerEnabled":true}`
	if string(got) != want {
		t.Errorf("defaults:\n got %s\nwant %s", got, want)
	}
}

func TestTaskDefApplyDefaultsKeepsExplicitValues(t *testing.T) {
	var d TaskDef
	in := `{"name":"t","retryCount":0,"retryLogic":"LINEAR_BACKOFF","retryDelaySeconds":0,` +
		`"responseTimeoutSeconds":5,"timeoutPolicy":"RETRY","taskStatusListenerEnabled":false}`
	if err := json.Unmarshal([]byte(in), &d); err != nil {
		t.Fatal(err)
	}
	d.ApplyDefaults()
	switch {
	case *d.RetryCount != 0, d.RetryLogic != RetryLinearBackoff, *d.RetryDelaySeconds != 0,
		*d.ResponseTimeoutSeconds != 5, d.TimeoutPolicy != TimeoutRetry, *d.TaskStatusListenerEnabled:
		t.Errorf("explicit values overwritten: %+v", d)
	}
}

func TestWorkflowDefApplyDefaults(t *testing.T) {
	var d WorkflowDef
	in := `{"name":"w","tasks":[
		{"name":"a","taskReferenceName":"a"},
		{"name":"d","taskReferenceName":"d","type":"SWITCH",
		 "decisionCases":{"x":[{"name":"b","taskReferenceName":"b"}]},
		 "defaultCase":[{"name":"c","taskReferenceName":"c"}]},
		{"name":"f","taskReferenceName":"f","type":"FORK_JOIN",
		 "forkTasks":[[{"name":"e","taskReferenceName":"e"}]]},
		{"name":"j","taskReferenceName":"j","type":"JOIN"},
		{"name":"l","taskReferenceName":"l","type":"DO_WHILE","loopCondition":"false",
		 "loopOver":[{"name":"g","taskReferenceName":"g","taskDefinition":{"name":"g"}}]}
	]}`
	if err := json.Unmarshal([]byte(in), &d); err != nil {
		t.Fatal(err)
	}
	d.ApplyDefaults()
	if d.Version != 1 || d.SchemaVersion != 2 || d.Restartable == nil || !*d.Restartable ||
		d.TimeoutPolicy != TimeoutAlertOnly || d.EnforceSchema == nil || !*d.EnforceSchema {
		t.Errorf("workflow defaults not applied: %+v", d)
	}
	types := map[string]string{}
	Walk(d.Tasks, func(_ string, wt *WorkflowTask) { types[wt.TaskReferenceName] = wt.Type })
	want := map[string]string{"a": "SIMPLE", "b": "SIMPLE", "c": "SIMPLE", "d": "SWITCH", "e": "SIMPLE",
		"f": "FORK_JOIN", "g": "SIMPLE", "j": "JOIN", "l": "DO_WHILE"}
	for ref, typ := range want {
		if types[ref] != typ {
			t.Errorf("task %s: type %q, want %q", ref, types[ref], typ)
		}
	}
	inline := d.Tasks[4].LoopOver[0].TaskDefinition
	if inline.RetryCount == nil || *inline.RetryCount != 3 {
		t.Errorf("inline taskDefinition defaults not applied: %+v", inline)
	}

	d2 := WorkflowDef{Name: "w", Version: 7, SchemaVersion: 2, TimeoutPolicy: TimeoutWorkflow}
	d2.ApplyDefaults()
	if d2.Version != 7 || d2.TimeoutPolicy != TimeoutWorkflow {
		t.Errorf("explicit values overwritten: %+v", d2)
	}
}

func TestWalkPaths(t *testing.T) {
	var d WorkflowDef
	in := `{"tasks":[{"taskReferenceName":"a"},{"taskReferenceName":"f",
		"forkTasks":[[{"taskReferenceName":"b"}],[{"taskReferenceName":"c","decisionCases":{"k":[{"taskReferenceName":"d"}]}}]]}]}`
	if err := json.Unmarshal([]byte(in), &d); err != nil {
		t.Fatal(err)
	}
	var got []string
	Walk(d.Tasks, func(p string, wt *WorkflowTask) { got = append(got, wt.TaskReferenceName+"@"+p) })
	want := []string{"a@tasks[0]", "f@tasks[1]", "b@tasks[1].forkTasks[0][0]", "c@tasks[1].forkTasks[1][0]",
		"d@tasks[1].forkTasks[1][0].decisionCases.k[0]"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("visit %d: got %s, want %s", i, got[i], want[i])
		}
	}
}
