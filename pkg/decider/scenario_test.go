package decider

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/events"
	"github.com/legatohq/legato/pkg/script"
	"github.com/legatohq/legato/pkg/workflow"
)

// TestScenarios runs testdata/*.txt. Commands:
//
//	def                      body: WorkflowDef JSON; used by the next start
//	taskdef                  body: TaskDef JSON; embedded into later defs
//	start [input=JSON] [at=ms] [correlation=ID] [domains=JSON] [polled=JSON] [pad=N] [nojs] [scriptms=N]
//	      [maxtasks=N] [maxbranches=N] [maxpayload=N]   limits (limits.go)
//	                         pad adds input "pad": N x's; nojs runs the
//	                         workflow with no script evaluator; scriptms
//	                         limits each script to N ms
//	poll ref=R [worker=W] [at=ms]            start the open attempt of R
//	complete|fail|terminal|cancel|progress ref=R [output=JSON] [reason=S] [callback=s] [at=ms]
//	byref ref=R status=S [output=JSON] [at=ms]
//	terminate [reason=S] [at=ms]
//	pause|resume [at=ms]
//	tick at=ms
//	failurestarted [error=S] [at=ms]        the failure workflow's start
//	retry [resume=R] [at=ms]                 resume: R's latest attempt
//	resetcallbacks [at=ms]
//	restart [latest] [at=ms]                 latest: run the last def given
//	rerun [task=R] [input=JSON] [taskinput=JSON] [correlation=ID] [child] [at=ms]
//	                                         from R's latest attempt ("nope":
//	                                         an unknown task id); child: R's
//	                                         child was rerun (ResumeChild)
//	skip ref=R [at=ms]
//	state                                    print the workflow and its tasks
//	view ref=R                               the Task view of R's latest attempt
//	                                         (parent: its parentTaskId as ref#seq)
//
// After every command the harness checks fold(history) == state.
func TestScenarios(t *testing.T) {
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		h := &harness{taskDefs: map[string]*workflow.TaskDef{}, scripts: newScripts(t, script.Limits{})}
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			out, err := h.run(d)
			if err != nil {
				out += "error: " + err.Error() + "\n"
			}
			h.checkReplay(t)
			return out
		})
	})
}

type harness struct {
	scripts  *script.Evaluator
	d        Decider
	def      *workflow.WorkflowDef
	taskDefs map[string]*workflow.TaskDef
	s        *State
	history  []events.Event
	// removed names every row the history scheduled, for the rows
	// TasksRemoved took out of the state.
	removed map[string]string
}

func (h *harness) run(d *datadriven.TestData) (string, error) {
	args := map[string]string{}
	for _, a := range d.CmdArgs {
		args[a.Key] = strings.Join(a.Vals, ",")
	}
	at, _ := strconv.ParseInt(args["at"], 10, 64)
	switch d.Cmd {
	case "taskdef":
		td := &workflow.TaskDef{}
		if err := json.Unmarshal([]byte(d.Input), td); err != nil {
			return "", err
		}
		td.ApplyDefaults()
		h.taskDefs[td.Name] = td
		return "ok\n", nil
	case "def":
		def := &workflow.WorkflowDef{}
		if err := json.Unmarshal([]byte(d.Input), def); err != nil {
			return "", err
		}
		def.ApplyDefaults()
		if err := def.Validate(); err != nil {
			return "", err
		}
		workflow.Walk(def.Tasks, func(_ string, wt *workflow.WorkflowTask) {
			if wt.TaskDefinition == nil && wt.Type == workflow.TaskTypeSimple {
				wt.TaskDefinition = h.taskDefs[wt.Name]
			}
		})
		h.def = def
		return "ok\n", nil
	case "start":
		h.s, h.history = &State{}, nil
		h.d = Decider{Scripts: h.scripts, Facts: Facts{TaskDefs: h.taskDefs}}
		if _, ok := args["nojs"]; ok {
			h.d = Decider{}
		}
		if ms, _ := strconv.Atoi(args["scriptms"]); ms > 0 {
			scripts, err := script.New(script.Limits{Timeout: time.Duration(ms) * time.Millisecond})
			if err != nil {
				return "", err
			}
			h.d = Decider{Scripts: scripts}
		}
		st := &Start{WorkflowID: "wf1", Def: h.def, DefHash: "h1", CorrelationID: args["correlation"]}
		if err := jsonArg(args, "input", &st.Input); err != nil {
			return "", err
		}
		if err := jsonArg(args, "domains", &st.TaskToDomain); err != nil {
			return "", err
		}
		// polled: {"type/domain": ms} of the queues' last polls.
		var polled map[string]int64
		if err := jsonArg(args, "polled", &polled); err != nil {
			return "", err
		}
		for q, at := range polled {
			typ, domain, _ := strings.Cut(q, "/")
			if h.d.Facts.Polled == nil {
				h.d.Facts.Polled = map[api.TaskQueue]int64{}
			}
			h.d.Facts.Polled[api.TaskQueue{TaskType: typ, Domain: domain}] = at
		}
		h.d.Limits.MaxTasks, _ = strconv.Atoi(args["maxtasks"])
		h.d.Limits.MaxForkBranches, _ = strconv.Atoi(args["maxbranches"])
		h.d.Limits.MaxPayloadBytes, _ = strconv.Atoi(args["maxpayload"])
		if n, _ := strconv.Atoi(args["pad"]); n > 0 {
			if st.Input == nil {
				st.Input = map[string]any{}
			}
			st.Input["pad"] = strings.Repeat("x", n)
		}
		return h.decide(Input{Start: st}, at)
	case "poll":
		t := h.open(args["ref"])
		if t == nil {
			return "", fmt.Errorf("no open task %q", args["ref"])
		}
		return h.decide(Input{TaskStarted: &TaskStarted{TaskID: t.ID, WorkerID: args["worker"]}}, at)
	case "complete", "fail", "terminal", "cancel", "progress":
		t := h.open(args["ref"])
		if t == nil {
			return "", fmt.Errorf("no open task %q", args["ref"])
		}
		status := map[string]string{"complete": api.TaskCompleted, "fail": api.TaskFailed,
			"terminal": api.TaskFailedWithTerminalError, "cancel": api.TaskCanceled, "progress": api.TaskInProgress}[d.Cmd]
		if s, ok := args["status"]; ok {
			status = s
		}
		r := &api.TaskResult{WorkflowInstanceID: "wf1", TaskID: t.ID, Status: status, ReasonForIncompletion: args["reason"]}
		r.CallbackAfterSeconds, _ = strconv.ParseInt(args["callback"], 10, 64)
		if err := jsonArg(args, "output", &r.OutputData); err != nil {
			return "", err
		}
		return h.decide(Input{TaskResult: r}, at)
	case "byref":
		r := &ResultByRef{Ref: args["ref"], Status: args["status"]}
		if err := jsonArg(args, "output", &r.Output); err != nil {
			return "", err
		}
		return h.decide(Input{ResultByRef: r}, at)
	case "terminate":
		return h.decide(Input{Terminate: &Terminate{Reason: args["reason"]}}, at)
	case "pause":
		return h.decide(Input{Pause: true}, at)
	case "resume":
		return h.decide(Input{Resume: true}, at)
	case "tick":
		return h.decide(Input{Tick: true}, at)
	case "failurestarted":
		return h.decide(Input{FailureWorkflowStarted: &FailureWorkflowStarted{Error: args["error"]}}, at)
	case "retry":
		r := &Retry{}
		if ref, ok := args["resume"]; ok {
			r.Resume = append(r.Resume, ref)
			if t := h.s.Latest(ref); t != nil {
				r.Resume[0] = t.ID
			}
		}
		return h.decide(Input{Retry: r}, at)
	case "resetcallbacks":
		return h.decide(Input{ResetCallbacks: true}, at)
	case "skip":
		return h.decide(Input{Skip: &Skip{Ref: args["ref"]}}, at)
	case "restart":
		r := &Restart{}
		if _, ok := args["latest"]; ok {
			r.Def, r.DefHash = h.def, fmt.Sprintf("h%d", h.def.Version)
		}
		return h.decide(Input{Restart: r}, at)
	case "rerun":
		r := &Rerun{CorrelationID: args["correlation"]}
		_, r.ResumeChild = args["child"]
		if ref, ok := args["task"]; ok {
			r.TaskID = ref
			if t := h.s.Latest(ref); t != nil {
				r.TaskID = t.ID
			}
		}
		if err := jsonArg(args, "input", &r.Input); err != nil {
			return "", err
		}
		if err := jsonArg(args, "taskinput", &r.TaskInput); err != nil {
			return "", err
		}
		return h.decide(Input{Rerun: r}, at)
	case "state":
		return h.state(), nil
	case "view":
		t := h.s.Latest(args["ref"])
		if t == nil {
			return "", fmt.Errorf("no task %q", args["ref"])
		}
		h.s.Def = h.def
		v := TaskView(h.s, t)
		wt := "<none>"
		if v.WorkflowTask != nil {
			wt = v.WorkflowTask.TaskReferenceName + "/" + v.WorkflowTask.Type
		}
		out := fmt.Sprintf("taskType=%s taskDefName=%s status=%s workflowTask=%s start=%d end=%d",
			v.TaskType, v.TaskDefName, v.Status, wt, v.StartTime, v.EndTime)
		if v.Iteration > 0 || v.LoopOverTask {
			out += fmt.Sprintf(" iteration=%d loopOverTask=%t", v.Iteration, v.LoopOverTask)
		}
		if v.ParentTaskID != "" {
			out += " parent=" + h.name(v.ParentTaskID)
		}
		return out + "\n", nil
	}
	return "", fmt.Errorf("unknown command %q", d.Cmd)
}

func jsonArg(args map[string]string, key string, into any) error {
	v, ok := args[key]
	if !ok {
		return nil
	}
	return json.Unmarshal([]byte(v), into)
}

// open is the newest non-terminal attempt of ref.
func (h *harness) open(ref string) *Task {
	for i := len(h.s.Tasks) - 1; i >= 0; i-- {
		if t := h.s.Tasks[i]; t.Ref == ref && !api.TaskTerminal(t.Status) {
			return t
		}
	}
	return nil
}

func (h *harness) decide(in Input, at int64) (string, error) {
	h.s.Def = h.def
	res, err := h.d.Decide(h.s, in, at)
	h.history = append(h.history, res.Events...)
	h.removed = map[string]string{}
	for _, e := range h.history {
		if d := e.TaskScheduled; d != nil {
			h.removed[d.TaskID] = fmt.Sprintf("%s#%d", e.Ref, d.Seq)
		}
	}
	var b strings.Builder
	for _, e := range res.Events {
		fmt.Fprintf(&b, "e%d %s%s\n", e.ID, e.Type, h.describe(&e))
	}
	for _, ds := range res.Dispatch {
		fmt.Fprintf(&b, "effect dispatch %s type=%s", h.name(ds.TaskID), ds.TaskType)
		if ds.Domain != "" {
			fmt.Fprintf(&b, " domain=%s", ds.Domain)
		}
		if ds.VisibleAt != 0 {
			fmt.Fprintf(&b, " at=%d", ds.VisibleAt)
		}
		b.WriteString("\n")
	}
	for _, id := range res.Undispatch {
		fmt.Fprintf(&b, "effect undispatch %s\n", h.name(id))
	}
	if d := Deadline(h.s); d != 0 {
		fmt.Fprintf(&b, "deadline %d\n", d)
	}
	h.describeRare(&b, &res)
	return b.String(), err
}

// names replaces every task id in text by ref#seq.
func (h *harness) names(text string) string {
	for _, t := range h.s.Tasks {
		text = strings.ReplaceAll(text, t.ID, fmt.Sprintf("%s#%d", t.Ref, t.Seq))
	}
	return text
}

// name shows a task id as ref#seq so expected output stays readable.
func (h *harness) name(id string) string {
	if t := h.s.Task(id); t != nil {
		return fmt.Sprintf("%s#%d", t.Ref, t.Seq)
	}
	if n, ok := h.removed[id]; ok {
		return n
	}
	return id
}

func (h *harness) describe(e *events.Event) string {
	switch e.Type {
	case events.WorkflowStarted:
		return " input=" + compact(e.WorkflowStarted.Input)
	case events.TaskScheduled:
		d := e.TaskScheduled
		s := fmt.Sprintf(" %s#%d type=%s input=%s", e.Ref, d.Seq, d.TaskType, compact(d.Input))
		if d.RetryCount > 0 {
			s += fmt.Sprintf(" retry=%d of=%s", d.RetryCount, h.name(d.RetriedTaskID))
		}
		if d.DispatchAt > 0 {
			s += fmt.Sprintf(" dispatchAt=%d", d.DispatchAt)
		}
		return s
	case events.TaskStarted:
		return fmt.Sprintf(" %s worker=%s", h.name(e.TaskStarted.TaskID), e.TaskStarted.WorkerID)
	case events.TaskUpdated:
		d := e.TaskUpdated
		s := fmt.Sprintf(" %s %s", h.name(d.TaskID), d.Status)
		if d.Output != nil {
			s += " output=" + compact(d.Output)
		}
		if d.Reason != "" {
			s += fmt.Sprintf(" reason=%q", h.names(d.Reason))
		}
		if d.WaitUntil != 0 {
			s += fmt.Sprintf(" waitUntil=%d", d.WaitUntil)
		}
		if d.Variables != nil {
			s += " vars=" + compact(d.Variables)
		}
		return s
	case events.WorkflowRetried:
		var refs []string
		for _, id := range e.WorkflowRetried.Reopen {
			refs = append(refs, h.name(id))
		}
		if len(refs) == 0 {
			return ""
		}
		return " reopen=" + strings.Join(refs, ",")
	case events.WorkflowRestarted:
		d := e.WorkflowRestarted
		s := fmt.Sprintf(" %s v%d def=%s", d.Name, d.Version, d.DefHash)
		if d.Input != nil {
			s += " input=" + compact(d.Input)
		}
		if d.CorrelationID != "" {
			s += " correlation=" + d.CorrelationID
		}
		return s
	case events.WorkflowRerun:
		d := e.WorkflowRerun
		s := ""
		if d.ResumeChild {
			s += " resumeChild"
		}
		if d.Input != nil {
			s += " input=" + compact(d.Input)
		}
		if d.CorrelationID != "" {
			s += " correlation=" + d.CorrelationID
		}
		return s
	case events.TasksRemoved:
		var names []string
		for _, id := range e.TasksRemoved.TaskIDs {
			names = append(names, h.name(id))
		}
		return " " + e.Ref + " " + strings.Join(names, " ")
	case events.WorkflowEnded:
		d := e.WorkflowEnded
		s := " " + d.Status + " output=" + compact(d.Output)
		if d.Reason != "" {
			s += fmt.Sprintf(" reason=%q", h.names(strings.ReplaceAll(d.Reason, h.s.Tasks[len(h.s.Tasks)-1].ID, "<id>")))
		}
		if f := d.FailureWorkflow; f != nil {
			s += fmt.Sprintf(" failureWorkflow=%s/v%d", f.Name, f.Version)
		}
		return s
	case events.FailureWorkflowUpdated:
		d := e.FailureWorkflowUpdated
		if d.Started {
			return fmt.Sprintf(" started error=%q", d.Error)
		}
		return fmt.Sprintf(" retryAt=%d", d.RetryAt)
	}
	return ""
}

func (h *harness) state() string {
	var b strings.Builder
	fmt.Fprintf(&b, "workflow %s", h.s.Status)
	if h.s.LastRetriedTime != 0 {
		fmt.Fprintf(&b, " lastRetried=%d", h.s.LastRetriedTime)
	}
	if h.s.CorrelationID != "" {
		fmt.Fprintf(&b, " correlation=%s", h.s.CorrelationID)
	}
	if h.s.Output != nil {
		fmt.Fprintf(&b, " output=%s", compact(h.s.Output))
	}
	if len(h.s.Variables) > 0 {
		fmt.Fprintf(&b, " variables=%s", compact(h.s.Variables))
	}
	b.WriteString("\n")
	for _, t := range h.s.Tasks {
		fmt.Fprintf(&b, "  %s#%d %s retry=%d polls=%d", t.Ref, t.Seq, t.Status, t.RetryCount, t.PollCount)
		if t.Retried {
			b.WriteString(" retried")
		}
		if t.Iteration > 0 {
			fmt.Fprintf(&b, " iteration=%d", t.Iteration)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func compact(m map[string]any) string {
	if m == nil {
		return "{}"
	}
	var b strings.Builder // encoding/json sorts map keys
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(elide(m))
	return strings.TrimSuffix(b.String(), "\n")
}

// elide shortens strings longer than 64 bytes to "<N bytes>" so expected
// output stays readable.
func elide(v any) any {
	switch x := v.(type) {
	case string:
		if len(x) > 64 {
			return fmt.Sprintf("<%d bytes>", len(x))
		}
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = elide(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = elide(e)
		}
		return l
	}
	return v
}

// checkReplay is the invariant: the snapshot equals fold(history).
func (h *harness) checkReplay(t *testing.T) {
	if h.s == nil {
		return
	}
	replayed, err := Replay(h.history)
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	a, _ := Encode(h.s)
	b, _ := Encode(replayed)
	if string(a) != string(b) {
		t.Fatalf("fold(history) != state\nstate:  %s\nreplay: %s", a, b)
	}
}

// newScripts is script.New that fails the test on an error.
func newScripts(t *testing.T, l script.Limits) *script.Evaluator {
	t.Helper()
	e, err := script.New(l)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
