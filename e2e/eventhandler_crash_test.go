package e2e

import (
	"fmt"
	"testing"
	"time"
)

// awaitCorrelated waits up to 15 s for workflows of name with correlation
// id cid and returns them.
func awaitCorrelated(t *testing.T, srv *server, name, cid string) []view {
	t.Helper()
	var wfs []view
	correlated := func() bool {
		do(t, "GET", srv.URL+"/api/workflow/"+name+"/correlated/"+cid, nil).want(t, 200).json(t, &wfs)
		return len(wfs) > 0
	}
	if !await(t, 15*time.Second, correlated) {
		t.Fatalf("no %s workflow correlated by %s:\n%s", name, cid, srv.output())
	}
	return wfs
}

// TestEventHandlerConductorCrash: a message an EVENT task published, and
// the handlers had not handled when the server was kill -9'd, is handled
// after the restart. The handler's condition holds the message until a
// time the payload names (a JavaScript busy wait, within the 4 s script
// limit), and the test kills the server before that time: the handler
// cannot have acted. After the restart the time has passed, so the
// message, handed over again from the store, starts the workflow.
func TestEventHandlerConductorCrash(t *testing.T) {
	srv := startServer(t, "")
	u := srv.URL + "/api"
	do(t, "POST", u+"/metadata/workflow", fulfilDef).want(t, 200)
	do(t, "POST", u+"/metadata/workflow", `{"name":"publisher","version":1,"tasks":[
	 {"name":"announce","taskReferenceName":"announce","type":"EVENT","sink":"conductor",
	  "inputParameters":{"orderId":"${workflow.input.orderId}","holdUntil":"${workflow.input.holdUntil}"}}]}`).want(t, 200)
	do(t, "POST", u+"/event", `{"name":"start_fulfil","event":"conductor:publisher:announce","active":true,
	 "condition":"(function () { while (Date.now() < $.holdUntil) {} return true })()",
	 "actions":[{"action":"start_workflow","start_workflow":{"name":"fulfil","correlationId":"${orderId}",
	  "input":{"orderId":"${orderId}"}}}]}`).want(t, 200)

	holdUntil := time.Now().Add(3 * time.Second)
	pub := string(do(t, "POST", u+"/workflow/publisher", fmt.Sprintf(`{"orderId":"o-7","holdUntil":%d}`, holdUntil.UnixMilli())).want(t, 200).body)
	announce := readWorkflow(t, u, pub).row("announce")
	srv.kill()
	if time.Now().After(holdUntil) {
		t.Fatalf("the server was killed only after the message's hold ended; the test proves nothing:\n%s", srv.output())
	}
	if announce.Status != "COMPLETED" || announce.OutputData["event_produced"] != "conductor:publisher:announce" {
		t.Fatalf("EVENT task %s, output %v", announce.Status, announce.OutputData)
	}

	srv = srv.restart()
	started := awaitCorrelated(t, srv, "fulfil", "o-7")
	if in := started[0].Input; len(started) != 1 || in["orderId"] != "o-7" ||
		in["conductor.event.name"] != "conductor:publisher:announce" || in["conductor.event.messageId"] != announce.TaskID {
		t.Errorf("started %d workflows; input %v (EVENT task %s)", len(started), started[0].Input, announce.TaskID)
	}
	if wf := readWorkflow(t, srv.URL+"/api", pub); wf.Status != "COMPLETED" || len(wf.Tasks) != 1 || wf.row("announce").TaskID != announce.TaskID {
		t.Errorf("publisher after the restart: %s, tasks %+v", wf.Status, wf.Tasks)
	}
}
