package frontend

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/legatohq/legato/pkg/visibility"
	"github.com/legatohq/legato/pkg/visibility/query"
)

// The analytics endpoints (Legato's own) and GET /workflow/count answer
// from the read side, like search. Every one takes query, freeText, from
// and to (epoch ms or ISO 8601, bounding startTime to [from, to)); the
// rest of their parameters are read here as given, and defaulted and
// checked by the Analytics implementation, whose ErrInvalidQuery is a
// 400.

// analyticsFilter reads the parameters every analytics endpoint takes.
func analyticsFilter(c *gin.Context) (visibility.Filter, error) {
	f := visibility.Filter{Query: strings.TrimSpace(c.Query("query")), FreeText: c.Query("freeText")}
	for _, b := range []struct {
		name string
		ms   *int64
	}{{"from", &f.From}, {"to", &f.To}} {
		v := strings.TrimSpace(c.Query(b.name))
		if v == "" {
			continue
		}
		ms, err := query.ParseDate(v)
		if err != nil {
			return f, fmt.Errorf("%w: %s %q: %v", visibility.ErrInvalidQuery, b.name, v, err)
		}
		*b.ms = ms
	}
	return f, nil
}

// answer answers with an analytics result, or fails with its error.
func (s *Server) answer(c *gin.Context) func(v any, err error) {
	return func(v any, err error) {
		if err != nil {
			s.fail(c, err)
			return
		}
		writeJSON(c, http.StatusOK, v)
	}
}

func (s *Server) countWorkflows(c *gin.Context) {
	f, err := analyticsFilter(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.answer(c)(s.opts.Analytics.CountWorkflows(c.Request.Context(), visibility.CountQuery{Filter: f, GroupBy: c.Query("groupBy")}))
}

func (s *Server) workflowCounts(c *gin.Context) {
	f, err := analyticsFilter(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	q := visibility.HistogramQuery{Filter: f, Interval: c.Query("interval"), GroupBy: c.Query("groupBy")}
	s.answer(c)(s.opts.Analytics.WorkflowCounts(c.Request.Context(), q))
}

// durations serves the workflow or (tasks) the task durations.
func (s *Server) durations(tasks bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		q, err := durationsQuery(c)
		if err != nil {
			s.fail(c, err)
			return
		}
		run := s.opts.Analytics.WorkflowDurations
		if tasks {
			run = s.opts.Analytics.TaskDurations
		}
		s.answer(c)(run(c.Request.Context(), q))
	}
}

// durationsQuery reads groupBy, metric and percentiles (comma-separated
// integers) besides the filter.
func durationsQuery(c *gin.Context) (visibility.DurationsQuery, error) {
	f, err := analyticsFilter(c)
	q := visibility.DurationsQuery{Filter: f, GroupBy: c.Query("groupBy"), Metric: c.Query("metric")}
	if err != nil {
		return q, err
	}
	if v := strings.TrimSpace(c.Query("percentiles")); v != "" {
		for p := range strings.SplitSeq(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(p))
			if err != nil {
				return q, fmt.Errorf("%w: percentiles %q: %q is not an integer in 1..100", visibility.ErrInvalidQuery, v, p)
			}
			q.Percentiles = append(q.Percentiles, n)
		}
	}
	return q, nil
}

func (s *Server) topFailures(c *gin.Context) {
	f, err := analyticsFilter(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	q := visibility.FailuresQuery{Filter: f, GroupBy: c.Query("groupBy")}
	if v := strings.TrimSpace(c.Query("limit")); v != "" {
		// An explicit 0 is out of range, not the default.
		if q.Limit, err = strconv.Atoi(v); err != nil || q.Limit == 0 {
			s.fail(c, fmt.Errorf("%w: limit %q is not an integer in 1..%d", visibility.ErrInvalidQuery, v, visibility.MaxFailureGroups))
			return
		}
	}
	s.answer(c)(s.opts.Analytics.TopFailures(c.Request.Context(), q))
}
