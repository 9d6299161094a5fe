package decider

import (
	"strings"

	"github.com/legatohq/legato/pkg/api"
)

// activeWorkerWindow is how recently a domain's queue must have been
// polled to be picked (upstream's activeWorkerLastPollTimeout default).
const activeWorkerWindow = 10_000

// noDomain in a taskToDomain list stands for the queue without a domain.
const noDomain = "NO_DOMAIN"

// domainFor picks the domain of a new row of the worker task name from the
// workflow's taskToDomain, as upstream: an exact task name wins over "*";
// of a "d1,d2,..." list, the first domain whose queue a worker polled in
// the last activeWorkerWindow (NO_DOMAIN entries skipped), else the last
// of the list, none when that is NO_DOMAIN.
func (dc *decision) domainFor(name string) string {
	m := dc.s.TaskToDomain
	list, ok := m[name]
	if !ok {
		list = m["*"]
	}
	if list == "" {
		return ""
	}
	domains := strings.Split(list, ",")
	for i := range domains {
		domains[i] = strings.TrimSpace(domains[i])
	}
	if len(domains) > 1 {
		for _, d := range domains {
			if d == "" || strings.EqualFold(d, noDomain) {
				continue
			}
			if at := dc.d.Facts.Polled[api.TaskQueue{TaskType: name, Domain: d}]; at > 0 && dc.now-at <= activeWorkerWindow {
				return d
			}
		}
	}
	last := domains[len(domains)-1]
	if strings.EqualFold(last, noDomain) {
		return ""
	}
	return last
}
