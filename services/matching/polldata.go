package matching

import (
	"cmp"
	"slices"

	"github.com/legatohq/legato/pkg/api"
)

// PollData returns the last poll of each queue of taskType, one entry per
// domain that was polled (Conductor's GET /tasks/queue/polldata): the
// worker id of the latest Poll and its time in epoch ms. QueueName is the
// task type; Domain is "" for the queue without a domain. Entries are
// sorted by domain.
func (s *Service) PollData(taskType string) []api.PollData {
	out := []api.PollData{}
	s.queues.Range(func(k, v any) bool {
		if k.(queueKey).taskType == taskType {
			if pd, ok := v.(*queue).pollData(); ok {
				out = append(out, pd)
			}
		}
		return true
	})
	slices.SortFunc(out, comparePollData)
	return out
}

// AllPollData returns the last poll of every queue that was polled
// (GET /tasks/queue/polldata/all), sorted by task type then domain.
func (s *Service) AllPollData() []api.PollData {
	out := []api.PollData{}
	s.queues.Range(func(_, v any) bool {
		if pd, ok := v.(*queue).pollData(); ok {
			out = append(out, pd)
		}
		return true
	})
	slices.SortFunc(out, comparePollData)
	return out
}

func comparePollData(a, b api.PollData) int {
	return cmp.Or(cmp.Compare(a.QueueName, b.QueueName), cmp.Compare(a.Domain, b.Domain))
}
