package query

import (
	"fmt"
	"strings"

	"github.com/legatohq/legato/pkg/visibility"
)

// SortKey is one sort criterion.
type SortKey struct {
	Field string // the query name
	Desc  bool
}

// order is "asc" or "desc".
func (k SortKey) order() string {
	if k.Desc {
		return "desc"
	}
	return "asc"
}

// ParseSort reads Conductor's sort parameter: field[:ASC|DESC] joined by
// "|", ASC when no direction is given (as upstream). An empty parameter
// is the schema's DefaultSort. The id field is appended, ascending,
// unless already named, so that pages never overlap or skip on ties.
// Unknown and unsortable fields are errors listing the sortable ones.
func ParseSort(sort string, s *Schema) ([]SortKey, error) {
	var keys []SortKey
	for part := range strings.SplitSeq(sort, "|") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, dir, _ := strings.Cut(part, ":")
		k := SortKey{Field: strings.TrimSpace(name)}
		switch strings.ToUpper(strings.TrimSpace(dir)) {
		case "", "ASC":
		case "DESC":
			k.Desc = true
		default:
			return nil, fmt.Errorf("%w: sort %q: direction must be ASC or DESC", visibility.ErrInvalidQuery, part)
		}
		if f, ok := s.Field(k.Field); !ok || !f.Sortable {
			return nil, fmt.Errorf("%w: cannot sort by %q; sortable fields: %s",
				visibility.ErrInvalidQuery, k.Field, s.validNames(func(f Field) bool { return f.Sortable }))
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		keys = append(keys, s.DefaultSort...)
	}
	for _, k := range keys {
		if k.Field == s.ID.Name {
			return keys, nil
		}
	}
	return append(keys, SortKey{Field: s.ID.Name}), nil
}
