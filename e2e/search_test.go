package e2e

import (
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/legatohq/legato/pkg/api"
)

// searchPage is Conductor's SearchResult of summaries, read loosely.
type searchPage struct {
	TotalHits int64            `json:"totalHits"`
	Results   []map[string]any `json:"results"`
}

// search runs GET path?params and returns the page.
func search(t *testing.T, u, path string, params url.Values) searchPage {
	t.Helper()
	var p searchPage
	do(t, "GET", u+path+"?"+params.Encode(), nil).want(t, 200).json(t, &p)
	return p
}

func ids(p searchPage, key string) []string {
	out := make([]string, len(p.Results))
	for i, r := range p.Results {
		out[i], _ = r[key].(string)
	}
	return out
}

// TestSearch runs workflows to known ends and searches them through the
// read side: operators and combinators, free text, sort, paging and
// totalHits, task search, the -v2 forms, and the 400s.
func TestSearch(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/taskdefs", `[{"name":"srch_work","retryCount":0}]`).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", `{"name":"srch_flow","version":1,"tasks":[
	 {"name":"srch_work","taskReferenceName":"w","inputParameters":{"customer":"${workflow.input.customer}"}}]}`).want(t, 200)

	// c-0..c-5: even ones alice's; c-0..c-2 complete, c-3 and c-4 fail,
	// c-5 keeps running.
	byCorr := map[string]string{}
	for i := range 6 {
		customer := map[bool]string{true: "alice", false: "bob"}[i%2 == 0]
		id := string(do(t, "POST", fmt.Sprintf("%s/workflow/srch_flow?correlationId=c-%d", u, i),
			map[string]any{"customer": customer}).want(t, 200).body)
		byCorr[fmt.Sprintf("c-%d", i)] = id
	}
	for range 5 {
		tk := pollOne(t, u, "srch_work")
		status, out := "COMPLETED", map[string]any{"receipt": "r-" + tk.WorkflowInstanceID[:8]}
		if id := tk.WorkflowInstanceID; id == byCorr["c-3"] || id == byCorr["c-4"] {
			status, out = "FAILED_WITH_TERMINAL_ERROR", nil
		}
		if id := tk.WorkflowInstanceID; id == byCorr["c-5"] {
			continue // left running
		}
		do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": tk.WorkflowInstanceID, "taskId": tk.TaskID,
			"status": status, "outputData": out, "reasonForIncompletion": "card declined"}).want(t, 200)
	}
	ended := time.Now()
	all := url.Values{"query": {"workflowType = srch_flow AND status IN (COMPLETED, FAILED)"}}
	if !await(t, 10*time.Second, func() bool { return search(t, u, "/workflow/search", all).TotalHits >= 4 }) {
		t.Fatalf("finished workflows not searchable after 10s: %+v", search(t, u, "/workflow/search", all))
	}
	t.Logf("finished workflows searchable %v after their last update", time.Since(ended).Round(time.Millisecond))

	q := func(query string) url.Values { return url.Values{"query": {query}, "sort": {"correlationId:ASC"}} }
	for _, c := range []struct {
		query string
		want  []string // correlation ids, in correlationId order
	}{
		{`correlationId = "c-1"`, []string{"c-1"}},
		{`correlationId=c-1`, []string{"c-1"}},
		{`workflowType = srch_flow AND status = FAILED`, []string{"c-3", "c-4"}},
		{`workflowType = srch_flow AND status != COMPLETED`, []string{"c-3", "c-4", "c-5"}},
		{`workflowType = srch_flow AND (status = FAILED OR correlationId = 'c-0')`, []string{"c-0", "c-3", "c-4"}},
		{`correlationId IN (c-2, c-5, nope)`, []string{"c-2", "c-5"}},
		{`workflowType = srch_flow AND correlationId NOT IN (c-0, c-1, c-2)`, []string{"c-3", "c-4", "c-5"}},
		{`workflowType = srch_flow AND endTime IS NULL`, []string{"c-5"}},
		{`correlationId STARTS_WITH "c-"`, []string{"c-0", "c-1", "c-2", "c-3", "c-4", "c-5"}},
		{`workflowType = srch_flow AND correlationId >= "c-4"`, []string{"c-4", "c-5"}},
	} {
		p := search(t, u, "/workflow/search", q(c.query))
		if got := ids(p, "correlationId"); !slices.Equal(got, c.want) || p.TotalHits != int64(len(c.want)) {
			t.Errorf("%s: got %v (totalHits %d), want %v", c.query, got, p.TotalHits, c.want)
		}
	}

	// Free text matches the input; paging keeps totalHits exact.
	p := search(t, u, "/workflow/search", url.Values{"freeText": {"alice"}, "sort": {"correlationId:ASC"}, "start": {"1"}, "size": {"1"}})
	if got := ids(p, "correlationId"); p.TotalHits != 3 || !slices.Equal(got, []string{"c-2"}) {
		t.Errorf("freeText alice, second page of 1: %v (totalHits %d)", got, p.TotalHits)
	}
	// Summaries are Conductor's: times as UTC strings, input as a string.
	p = search(t, u, "/workflow/search", url.Values{"query": {`correlationId = "c-0"`}})
	if r := p.Results[0]; r["workflowId"] != byCorr["c-0"] || r["status"] != "COMPLETED" || r["workflowType"] != "srch_flow" {
		t.Errorf("summary %v", r)
	} else if _, err := time.Parse("2006-01-02T15:04:05.000Z", r["startTime"].(string)); err != nil {
		t.Errorf("startTime %v: %v", r["startTime"], err)
	}
	// The UI's home page: no query, freeText *, newest first.
	p = search(t, u, "/workflow/search", url.Values{"query": {""}, "freeText": {"*"}, "sort": {""}, "classifier": {""}, "skipCache": {"true"}})
	if p.TotalHits != 6 || p.Results[0]["correlationId"] != "c-5" && p.Results[0]["correlationId"] != "c-4" {
		t.Errorf("everything, newest first: totalHits %d, first %v", p.TotalHits, p.Results[0]["correlationId"])
	}
	var v2 struct {
		TotalHits int64           `json:"totalHits"`
		Results   []*api.Workflow `json:"results"`
	}
	do(t, "GET", u+"/workflow/search-v2?"+q(`status = FAILED`).Encode(), nil).want(t, 200).json(t, &v2)
	if v2.TotalHits != 2 || len(v2.Results) != 2 || v2.Results[0].WorkflowID != byCorr["c-3"] || v2.Results[0].Status != "FAILED" {
		t.Errorf("search-v2: %+v", v2)
	}

	// Task search.
	p = search(t, u, "/tasks/search", url.Values{"query": {`taskType = srch_work AND status = FAILED_WITH_TERMINAL_ERROR`}})
	if p.TotalHits != 2 {
		t.Errorf("failed tasks: totalHits %d: %v", p.TotalHits, p.Results)
	}
	for _, r := range p.Results {
		if r["workflowId"] != byCorr["c-3"] && r["workflowId"] != byCorr["c-4"] {
			t.Errorf("failed task of %v", r["workflowId"])
		}
	}

	// Search by tasks: the workflows whose tasks match, each once.
	p = search(t, u, "/workflow/search-by-tasks", url.Values{"query": {`taskType = srch_work AND status = FAILED_WITH_TERMINAL_ERROR`},
		"sort": {"correlationId:ASC"}})
	if got := ids(p, "correlationId"); p.TotalHits != 2 || !slices.Equal(got, []string{"c-3", "c-4"}) {
		t.Errorf("search-by-tasks: %v (totalHits %d)", got, p.TotalHits)
	}
	do(t, "GET", u+"/workflow/search-by-tasks-v2?"+url.Values{"query": {`taskType = srch_work AND status = FAILED_WITH_TERMINAL_ERROR`},
		"sort": {"correlationId:ASC"}}.Encode(), nil).want(t, 200).json(t, &v2)
	if v2.TotalHits != 2 || len(v2.Results) != 2 || v2.Results[1].WorkflowID != byCorr["c-4"] {
		t.Errorf("search-by-tasks-v2: %+v", v2)
	}

	// A removed workflow leaves search, its tasks too.
	do(t, "DELETE", u+"/workflow/"+byCorr["c-0"]+"/remove", nil).want(t, 200)
	gone := url.Values{"query": {`correlationId = "c-0"`}}
	if !await(t, 10*time.Second, func() bool { return search(t, u, "/workflow/search", gone).TotalHits == 0 }) {
		t.Errorf("removed workflow still found by search")
	}
	if p := search(t, u, "/tasks/search", url.Values{"query": {`workflowId = "` + byCorr["c-0"] + `"`}}); p.TotalHits != 0 {
		t.Errorf("removed workflow's tasks still found: %d", p.TotalHits)
	}

	// Bad input: 400s that say what is wrong.
	do(t, "GET", u+"/workflow/search?"+url.Values{"query": {`status = `}}.Encode(), nil).want(t, 400).errorBody(t, "at byte 8")
	do(t, "GET", u+"/workflow/search?"+url.Values{"query": {`colour = red`}}.Encode(), nil).want(t, 400).errorBody(t, "workflowType")
	do(t, "GET", u+"/workflow/search?size=6000", nil).want(t, 400)
	do(t, "GET", u+"/workflow/search?start=9000&size=2000", nil).want(t, 400)
	do(t, "GET", u+"/workflow/search?sort=input:ASC", nil).want(t, 400)
}
