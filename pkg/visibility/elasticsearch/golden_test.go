package elasticsearch

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/legatohq/legato/pkg/api"
	"github.com/legatohq/legato/pkg/visibility"
	"github.com/legatohq/legato/pkg/visibility/query"
)

// TestGolden runs testdata/*.txt, every request body the store sends;
// go test -rewrite accepts new output.
//
//	templates prefix=…        EnsureIndices' PUTs: path, then body
//	document kind=…           a summary (JSON input) as its _source
//	bulk [prefix=…]           Apply's _bulk NDJSON and _delete_by_query
//	                          body for a batch, one summary a line:
//	                            workflow <id> v=<version> [key=value…]
//	                            task <id> wf=<workflowId> v=<version> [key=value…]
//	                            remove <workflowId>
//	search kind=… [simple]    the _search body; input lines are
//	                          query:, freeText:, sort:, start:, size:
func TestGolden(t *testing.T) {
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			out, err := golden(t, d)
			if err != nil {
				return "error: " + err.Error() + "\n"
			}
			return out
		})
	})
}

func golden(t *testing.T, d *datadriven.TestData) (string, error) {
	prefix := "legato"
	if d.HasArg("prefix") {
		d.ScanArgs(t, "prefix", &prefix)
	}
	s, err := New(Options{URLs: []string{"http://unused.invalid:9200"}, IndexPrefix: prefix})
	if err != nil {
		return "", err
	}
	defer s.Close()
	switch d.Cmd {
	case "templates":
		ts, err := s.templates()
		if err != nil {
			return "", err
		}
		var b strings.Builder
		for _, tp := range ts {
			fmt.Fprintf(&b, "PUT %s\n%s\n", tp.path, indent(t, tp.body))
		}
		return b.String(), nil
	case "document":
		var doc []byte
		if kindArg(t, d) == "tasks" {
			var v api.TaskSummary
			if err := json.Unmarshal([]byte(d.Input), &v); err != nil {
				return "", err
			}
			doc, err = tasks.document(&v)
		} else {
			var v api.WorkflowSummary
			if err := json.Unmarshal([]byte(d.Input), &v); err != nil {
				return "", err
			}
			doc, err = workflows.document(&v)
		}
		return string(doc) + "\n", err
	case "bulk":
		b, err := parseBatch(d.Input)
		if err != nil {
			return "", err
		}
		p, err := s.plan(b)
		if err != nil {
			return "", err
		}
		out := "POST /_bulk\n" + string(bulkBody(p.actions))
		if len(p.removeTasks) > 0 {
			out += fmt.Sprintf("POST /%s/_delete_by_query\n%s\n", s.Alias("tasks"), indent(t, deleteTasksBody(p.removeTasks)))
		}
		return out, nil
	case "search":
		q, err := parseQuery(d.Input)
		if err != nil {
			return "", err
		}
		mode := queryString
		if d.HasArg("simple") {
			mode = simpleQueryString
		}
		var body map[string]any
		if kindArg(t, d) == "tasks" {
			srch, err := query.Prepare(q, tasks.schema)
			if err != nil {
				return "", err
			}
			body = searchBody(tasks, srch, q.FreeText, mode)
		} else {
			srch, err := query.Prepare(q, workflows.schema)
			if err != nil {
				return "", err
			}
			body = searchBody(workflows, srch, q.FreeText, mode)
		}
		return fmt.Sprintf("POST /%s/_search\n%s\n", s.Alias(kindArg(t, d)), indent(t, body)), nil
	}
	return "", fmt.Errorf("unknown command %q", d.Cmd)
}

func kindArg(t *testing.T, d *datadriven.TestData) string {
	kind := "workflows"
	if d.HasArg("kind") {
		d.ScanArgs(t, "kind", &kind)
	}
	return kind
}

func indent(t *testing.T, v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// parseQuery reads "key: value" lines into a Query.
func parseQuery(input string) (visibility.Query, error) {
	var q visibility.Query
	for line := range strings.SplitSeq(strings.TrimSpace(input), "\n") {
		if line == "" {
			continue
		}
		key, val, found := strings.Cut(line, ":")
		if !found {
			return q, fmt.Errorf("line %q: want key: value", line)
		}
		val = strings.TrimSpace(val)
		var err error
		switch key {
		case "query":
			q.Query = val
		case "freeText":
			q.FreeText = val
		case "sort":
			q.Sort = val
		case "start":
			q.Start, err = strconv.Atoi(val)
		case "size":
			q.Size, err = strconv.Atoi(val)
		default:
			return q, fmt.Errorf("unknown key %q", key)
		}
		if err != nil {
			return q, err
		}
	}
	return q, nil
}

// parseBatch reads a batch, one summary or removal a line. Summaries
// start from fixed values (t0 start, type "wt"); key=value sets v
// (EventVersion), wf, status, start (ms), input, reason and parent.
func parseBatch(input string) (*visibility.Batch, error) {
	const t0 = 1700000000000
	b := &visibility.Batch{}
	for line := range strings.SplitSeq(strings.TrimSpace(input), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			return nil, fmt.Errorf("line %q: want <kind> <id> [key=value…]", line)
		}
		kv := map[string]string{}
		for _, p := range f[2:] {
			k, v, _ := strings.Cut(p, "=")
			kv[k] = v
		}
		num := func(k string, def int64) int64 {
			if v, ok := kv[k]; ok {
				n, _ := strconv.ParseInt(v, 10, 64)
				return n
			}
			return def
		}
		switch f[0] {
		case "workflow":
			b.Workflows = append(b.Workflows, api.WorkflowSummary{WorkflowID: f[1], WorkflowType: "wt", Version: 1,
				Status: kv["status"], StartTime: num("start", t0), Input: kv["input"], ReasonForIncompletion: kv["reason"],
				ParentWorkflowID: kv["parent"], EventVersion: num("v", 0)})
		case "task":
			b.Tasks = append(b.Tasks, api.TaskSummary{TaskID: f[1], WorkflowID: kv["wf"], WorkflowType: "wt", TaskType: "SIMPLE",
				TaskDefName: "td", ReferenceTaskName: f[1], Status: kv["status"], UpdateTime: num("start", t0),
				WorkflowStartTime: t0, Input: kv["input"], EventVersion: num("v", 0)})
		case "remove":
			b.Removed = append(b.Removed, f[1])
		default:
			return nil, fmt.Errorf("line %q: unknown kind %q", line, f[0])
		}
	}
	return b, nil
}
