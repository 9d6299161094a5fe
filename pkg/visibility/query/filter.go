package query

import (
	"strconv"

	"github.com/legatohq/legato/pkg/visibility"
)

// PrepareFilter prepares an analytics filter as Prepare does a search's
// query and free text, and ANDs From and To to the query as
// startTime >= From and startTime < To (a zero bound is none), so that
// backends translate the time range like any other condition.
func PrepareFilter(f visibility.Filter, s *Schema) (*Search, error) {
	srch, err := Prepare(visibility.Query{Query: f.Query, FreeText: f.FreeText}, s)
	if err != nil {
		return nil, err
	}
	for _, b := range []struct {
		op Op
		ms int64
	}{{Ge, f.From}, {Lt, f.To}} {
		if b.ms == 0 {
			continue
		}
		c := &Cond{Field: "startTime", Op: b.op, Values: []string{strconv.FormatInt(b.ms, 10)}}
		if srch.Where == nil {
			srch.Where = c
		} else {
			srch.Where = &Logical{Op: And, Left: srch.Where, Right: c}
		}
	}
	return srch, nil
}
