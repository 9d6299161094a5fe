package decider

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/legatohq/legato/pkg/api"
)

// A WAIT task is IN_PROGRESS until something finishes it. With neither
// duration nor until, that is an external update (POST
// /api/tasks/{workflowId}/{ref}/COMPLETED). With one of them, the task
// records its due time (Task.WaitUntil); Deadline includes it, so the
// history's per-workflow timer fires then, and the Tick at or after it
// completes the task. The due time is part of the state, so it survives
// restarts with nothing else stored. A HUMAN task is a WAIT without due
// time.

// maxWaitSeconds bounds a wait (about 34,000 years) so due times never
// overflow.
const maxWaitSeconds = 1 << 40

var errBadWait = errors.New("bad wait")

// startWait reads duration or until and puts the task IN_PROGRESS, or
// COMPLETED when it is already due. Both, or a value that does not parse,
// is a terminal error.
func (dc *decision) startWait(input map[string]any) started {
	duration := strings.TrimSpace(optString(input["duration"]))
	until := strings.TrimSpace(optString(input["until"]))
	var due int64
	switch {
	case duration != "" && until != "":
		return started{status: api.TaskFailedWithTerminalError, reason: "Both 'duration' and 'until' specified. Please provide only one input"}
	case duration != "":
		secs, err := parseDuration(duration)
		if err != nil {
			return started{status: api.TaskFailedWithTerminalError, reason: "Invalid/Unsupported Wait duration format. Provided: " + duration +
				" (e.g. \"30s\", \"1m 30s\", \"2d 3h 10m 5s\")"}
		}
		due = dc.now + secs*1000
	case until != "":
		at, err := parseUntil(until)
		if err != nil {
			return started{status: api.TaskFailedWithTerminalError, reason: "Invalid/Unsupported Wait Until format. Provided: " + until +
				" (want yyyy-MM-dd HH:mm, yyyy-MM-dd HH:mm <zone> or yyyy-MM-dd; UTC unless a zone such as UTC, GMT+2 or +05:30 is given)"}
		}
		due = at
	default:
		return started{status: api.TaskInProgress}
	}
	if due <= dc.now {
		return started{status: api.TaskCompleted}
	}
	return started{status: api.TaskInProgress, waitUntil: due}
}

// waitDeadline is when an IN_PROGRESS WAIT completes by itself, or 0.
func waitDeadline(t *Task) int64 {
	if t.Status != api.TaskInProgress {
		return 0
	}
	return t.WaitUntil
}

// durationRE is Conductor's duration syntax: days, hours, minutes and
// seconds, each optional, in that order.
var durationRE = regexp.MustCompile(`(?i)^\s*(?:(\d+)\s*(?:days?|d))?\s*(?:(\d+)\s*(?:hours?|hrs?|h))?\s*(?:(\d+)\s*(?:minutes?|mins?|m))?\s*(?:(\d+)\s*(?:seconds?|secs?|s))?\s*$`)

// parseDuration parses "2d 3h 10m 5s", "1m 30s", "90 seconds"... into
// seconds.
func parseDuration(s string) (int64, error) {
	m := durationRE.FindStringSubmatch(s)
	if m == nil {
		return 0, errBadWait
	}
	var total int64
	for i, unit := range [...]int64{86400, 3600, 60, 1} {
		if m[i+1] == "" {
			continue
		}
		n, err := strconv.ParseInt(m[i+1], 10, 64)
		if err != nil || n > maxWaitSeconds/unit {
			return 0, errBadWait
		}
		total += n * unit
	}
	if total > maxWaitSeconds {
		return 0, errBadWait
	}
	return total, nil
}

// parseUntil parses "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm <zone>" or
// "yyyy-MM-dd" into epoch ms. Without a zone the time is UTC. Zones are
// fixed: UTC, GMT, UT, Z, or an offset (+05:30, -0800, +2), optionally
// after UTC/GMT. Named zones (PST, Europe/Paris) would need the host's
// time zone database, which the decider must not read.
func parseUntil(s string) (int64, error) {
	if t, err := time.Parse("2006-1-2 15:4", s); err == nil {
		return t.UnixMilli(), nil
	}
	if t, err := time.Parse("2006-1-2", s); err == nil {
		return t.UnixMilli(), nil
	}
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		return 0, errBadWait
	}
	t, err := time.Parse("2006-1-2 15:4", strings.TrimSpace(s[:i]))
	if err != nil {
		return 0, errBadWait
	}
	off, ok := zoneOffset(s[i+1:])
	if !ok {
		return 0, errBadWait
	}
	return t.UnixMilli() - off*1000, nil
}

// zoneOffset reads a fixed zone into seconds east of UTC.
func zoneOffset(z string) (int64, bool) {
	u := strings.ToUpper(z)
	switch u {
	case "UTC", "GMT", "UT", "Z":
		return 0, true
	}
	if strings.HasPrefix(u, "UTC") || strings.HasPrefix(u, "GMT") {
		u = u[3:]
	}
	if len(u) < 2 || (u[0] != '+' && u[0] != '-') {
		return 0, false
	}
	sign := int64(1)
	if u[0] == '-' {
		sign = -1
	}
	hh, mm := strings.ReplaceAll(u[1:], ":", ""), ""
	if strings.Trim(hh, "0123456789") != "" {
		return 0, false
	}
	if len(hh) > 2 {
		hh, mm = hh[:len(hh)-2], hh[len(hh)-2:]
	}
	h, err := strconv.Atoi(hh)
	if err != nil || len(hh) > 2 || h > 18 {
		return 0, false
	}
	var m int
	if mm != "" {
		if m, err = strconv.Atoi(mm); err != nil || m > 59 {
			return 0, false
		}
	}
	return sign * int64(h*3600+m*60), true
}

// optString is a task input as text: absent or null is "".
func optString(v any) string {
	if v == nil {
		return ""
	}
	return javaString(v)
}
