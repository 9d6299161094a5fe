package e2e

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"
)

// analyticsGroup is a durations group as the API writes it.
type analyticsGroup struct {
	Key         string           `json:"key"`
	Count       int64            `json:"count"`
	AvgMs       float64          `json:"avgMs"`
	MaxMs       int64            `json:"maxMs"`
	Percentiles map[string]int64 `json:"percentiles"`
}

// expectedGroup computes a durations group from the values the search
// endpoints report, by nearest rank.
func expectedGroup(key string, vals []int64) analyticsGroup {
	slices.Sort(vals)
	g := analyticsGroup{Key: key, Count: int64(len(vals)), MaxMs: vals[len(vals)-1], Percentiles: map[string]int64{}}
	var sum int64
	for _, v := range vals {
		sum += v
	}
	g.AvgMs = float64(sum) / float64(len(vals))
	for _, p := range []int{50, 95, 99} {
		g.Percentiles[strconv.Itoa(p)] = vals[(p*len(vals)+99)/100-1]
	}
	return g
}

// numbers collects a numeric field of search hits per key field.
func numbers(p searchPage, key, field string) map[string][]int64 {
	out := map[string][]int64{}
	for _, r := range p.Results {
		v, _ := r[field].(float64) // absent (omitted 0) reads as 0
		k, _ := r[key].(string)
		out[k] = append(out[k], int64(v))
	}
	return out
}

func get(t *testing.T, u, path string, params url.Values, into any) {
	t.Helper()
	do(t, "GET", u+path+"?"+params.Encode(), nil).want(t, 200).json(t, into)
}

// TestAnalytics runs workflows to known ends and checks each analytics
// endpoint's numbers against them: counts exactly, durations against
// the durationMs, executionTime and queueWaitTime the search endpoints
// report for the same workflows and tasks, and the 400s.
func TestAnalytics(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/taskdefs", `[{"name":"ana_pay_work","retryCount":0},{"name":"ana_ship_work","retryCount":0}]`).want(t, 200)
	for _, typ := range []string{"ana_pay", "ana_ship"} {
		do(t, "POST", u+"/metadata/workflow", fmt.Sprintf(`{"name":%q,"version":1,"tasks":[
		 {"name":"%s_work","taskReferenceName":"w","inputParameters":{"tier":"${workflow.input.tier}"}}]}`, typ, typ)).want(t, 200)
	}
	begin := time.Now().UnixMilli()

	// ana_pay p-0..p-4: p-0..p-2 complete, p-3 and p-4 fail terminally
	// with "card 4242 declined"; p-0 is "vip". ana_ship: one completes,
	// one is never polled and keeps running.
	failing := map[string]bool{}
	for i := range 5 {
		tier := map[bool]string{true: "vip", false: "basic"}[i == 0]
		id := string(do(t, "POST", fmt.Sprintf("%s/workflow/ana_pay?correlationId=p-%d", u, i), map[string]any{"tier": tier}).want(t, 200).body)
		failing[id] = i >= 3
	}
	for range 2 {
		do(t, "POST", u+"/workflow/ana_ship", map[string]any{"tier": "basic"}).want(t, 200)
	}
	for range 5 {
		tk := pollOne(t, u, "ana_pay_work")
		status := "COMPLETED"
		if failing[tk.WorkflowInstanceID] {
			status = "FAILED_WITH_TERMINAL_ERROR"
		}
		do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": tk.WorkflowInstanceID, "taskId": tk.TaskID,
			"status": status, "reasonForIncompletion": "card 4242 declined"}).want(t, 200)
	}
	tk := pollOne(t, u, "ana_ship_work")
	do(t, "POST", u+"/tasks", map[string]any{"workflowInstanceId": tk.WorkflowInstanceID, "taskId": tk.TaskID, "status": "COMPLETED"}).want(t, 200)
	end := time.Now().UnixMilli()

	statuses := map[string]int64{"COMPLETED": 4, "FAILED": 2, "RUNNING": 1}
	var count struct {
		Count  int64            `json:"count"`
		Groups map[string]int64 `json:"groups"`
	}
	if !await(t, 10*time.Second, func() bool {
		get(t, u, "/workflow/count", url.Values{"groupBy": {"status"}}, &count)
		return maps.Equal(count.Groups, statuses)
	}) {
		t.Fatalf("count by status after 10s: %+v, want %v", count, statuses)
	}
	if count.Count != 7 {
		t.Errorf("count %d, want 7", count.Count)
	}
	count.Groups = nil
	get(t, u, "/workflow/count", url.Values{"query": {"workflowType = ana_ship"}}, &count)
	if count.Count != 2 || count.Groups != nil {
		t.Errorf("count of ana_ship: %+v, want 2 and no groups", count)
	}

	checkWorkflowCounts(t, u, begin, end)
	checkDurations(t, u)
	checkFailures(t, u)

	for _, c := range []struct{ path, mentions string }{
		{"/analytics/workflows/counts?interval=1w", "interval"},
		{"/analytics/workflows/counts?groupBy=taskType", "groupBy"},
		{"/analytics/workflows/counts?interval=1s&from=2020-01-01&to=2020-02-01", "buckets"},
		{"/analytics/workflows/counts?from=soon", "from"},
		{"/analytics/workflows/durations?percentiles=0,50", "percentile"},
		{"/analytics/tasks/durations?metric=cpu", "metric"},
		{"/analytics/tasks/durations?groupBy=workflowType", "groupBy"},
		{"/analytics/failures/top?limit=5000", "limit"},
		{"/workflow/count?query=" + url.QueryEscape("status = "), "at byte"},
		{"/workflow/count?groupBy=input", "groupBy"},
	} {
		do(t, "GET", u+c.path, nil).want(t, 400).errorBody(t, c.mentions)
	}
}

// checkWorkflowCounts: hourly buckets from two hours before the first
// start to the hour after the last, the first two empty; their counts
// add up to what ran.
func checkWorkflowCounts(t *testing.T, u string, begin, end int64) {
	t.Helper()
	const hour = int64(time.Hour / time.Millisecond)
	from, to := begin/hour*hour-2*hour, end/hour*hour+hour
	var h struct {
		Interval string `json:"interval"`
		Buckets  []struct {
			Time   time.Time        `json:"time"`
			Counts map[string]int64 `json:"counts"`
		} `json:"buckets"`
	}
	get(t, u, "/analytics/workflows/counts", url.Values{"interval": {"1h"}, "groupBy": {"status"},
		"from": {time.UnixMilli(from).UTC().Format(time.RFC3339)}, "to": {strconv.FormatInt(to, 10)}}, &h)
	if h.Interval != "1h" || int64(len(h.Buckets)) != (to-from)/hour {
		t.Fatalf("counts: interval %q, %d buckets, want 1h and %d: %+v", h.Interval, len(h.Buckets), (to-from)/hour, h)
	}
	sum := map[string]int64{}
	for i, b := range h.Buckets {
		if b.Time.UnixMilli() != from+int64(i)*hour {
			t.Errorf("bucket %d starts %v, want %v", i, b.Time, time.UnixMilli(from+int64(i)*hour).UTC())
		}
		if i < 2 && len(b.Counts) != 0 {
			t.Errorf("bucket %d before the first start: %v, want empty", i, b.Counts)
		}
		for k, n := range b.Counts {
			sum[k] += n
		}
	}
	if want := map[string]int64{"COMPLETED": 4, "FAILED": 2, "RUNNING": 1}; !maps.Equal(sum, want) {
		t.Errorf("counts by status add up to %v, want %v", sum, want)
	}
	// Without from and to the buckets span the data; free text narrows.
	get(t, u, "/analytics/workflows/counts", url.Values{"interval": {"1d"}, "groupBy": {"workflowType"}, "freeText": {"vip"}}, &h)
	if len(h.Buckets) != 1 || !maps.Equal(h.Buckets[0].Counts, map[string]int64{"ana_pay": 1}) {
		t.Errorf("daily counts of vip by type: %+v, want one bucket of ana_pay 1", h)
	}
}

// checkDurations compares the duration groups with those computed from
// the search endpoints' summaries of the same workflows and tasks.
func checkDurations(t *testing.T, u string) {
	t.Helper()
	var d struct {
		Groups []analyticsGroup `json:"groups"`
	}
	ended := search(t, u, "/workflow/search", url.Values{"query": {"endTime IS NOT NULL"}, "size": {"100"}})
	byType := numbers(ended, "workflowType", "durationMs")
	want := []analyticsGroup{expectedGroup("ana_pay", byType["ana_pay"]), expectedGroup("ana_ship", byType["ana_ship"])}
	get(t, u, "/analytics/workflows/durations", url.Values{"groupBy": {"workflowType"}, "percentiles": {"50,95,99"}}, &d)
	if fmt.Sprint(d.Groups) != fmt.Sprint(want) || want[0].Count != 5 || want[1].Count != 1 {
		t.Errorf("workflow durations:\n got %+v\nwant %+v", d.Groups, want)
	}

	for _, c := range []struct{ metric, cond string }{
		{"executionTime", "endTime IS NOT NULL"}, {"queueWaitTime", "startTime IS NOT NULL"},
	} {
		tasks := search(t, u, "/tasks/search", url.Values{"query": {c.cond}, "size": {"100"}})
		vals := numbers(tasks, "taskType", c.metric)
		want := []analyticsGroup{expectedGroup("ana_pay_work", vals["ana_pay_work"]), expectedGroup("ana_ship_work", vals["ana_ship_work"])}
		get(t, u, "/analytics/tasks/durations", url.Values{"groupBy": {"taskType"}, "metric": {c.metric}}, &d)
		if fmt.Sprint(d.Groups) != fmt.Sprint(want) || want[0].Count != 5 || want[1].Count != 1 {
			t.Errorf("task %s:\n got %+v\nwant %+v", c.metric, d.Groups, want)
		}
	}
}

// checkFailures: the two failed workflows and their tasks, grouped by the
// normalized reason the summaries carry.
func checkFailures(t *testing.T, u string) {
	t.Helper()
	type failures struct {
		Groups []struct {
			Reason string           `json:"reason"`
			Count  int64            `json:"count"`
			By     map[string]int64 `json:"by"`
		} `json:"groups"`
	}
	for _, c := range []struct{ groupBy, path, query, typ string }{
		{"workflowType", "/workflow/search", "status = FAILED", "ana_pay"},
		{"taskType", "/tasks/search", "status = FAILED_WITH_TERMINAL_ERROR", "ana_pay_work"},
	} {
		hits := search(t, u, c.path, url.Values{"query": {c.query}})
		if hits.TotalHits != 2 || hits.Results[0]["failureReason"] == "" {
			t.Fatalf("%s: %+v", c.query, hits)
		}
		reason := hits.Results[0]["failureReason"]
		var f failures
		get(t, u, "/analytics/failures/top", url.Values{"groupBy": {c.groupBy}, "limit": {"1"}}, &f)
		if len(f.Groups) != 1 || f.Groups[0].Reason != reason || f.Groups[0].Count != 2 || !maps.Equal(f.Groups[0].By, map[string]int64{c.typ: 2}) {
			t.Errorf("top failures by %s: %+v, want %q twice, by %s", c.groupBy, f, reason, c.typ)
		}
	}
}
