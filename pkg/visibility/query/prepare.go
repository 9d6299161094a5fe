package query

import (
	"fmt"

	"github.com/legatohq/legato/pkg/visibility"
)

// Search is a visibility.Query checked and read against a schema, ready
// for a backend to translate.
type Search struct {
	Where    Expr      // bound; nil matches everything
	FreeText []string  // terms and phrases, all of which must match
	Sort     []SortKey // ends with the id
	Start    int
	Size     int
}

// DefaultSize is the page size of a query with Size 0, Conductor's.
const DefaultSize = 100

// Prepare parses, binds and checks everything a search takes: the query,
// the sort, the free text, and the paging limits (Size at most
// visibility.MaxSize, Start+Size at most visibility.MaxWindow).
func Prepare(q visibility.Query, s *Schema) (*Search, error) {
	size := q.Size
	if size == 0 {
		size = DefaultSize
	}
	switch {
	case q.Start < 0 || size < 0:
		return nil, fmt.Errorf("%w: start %d, size %d: must not be negative", visibility.ErrInvalidQuery, q.Start, q.Size)
	case size > visibility.MaxSize:
		return nil, fmt.Errorf("%w: size %d exceeds %d", visibility.ErrInvalidQuery, size, visibility.MaxSize)
	case q.Start+size > visibility.MaxWindow:
		return nil, fmt.Errorf("%w: start+size %d exceeds %d; narrow the query instead", visibility.ErrInvalidQuery, q.Start+size, visibility.MaxWindow)
	}
	e, err := Parse(q.Query)
	if err != nil {
		return nil, err
	}
	if e, err = Bind(e, s); err != nil {
		return nil, err
	}
	sort, err := ParseSort(q.Sort, s)
	if err != nil {
		return nil, err
	}
	return &Search{Where: e, FreeText: ParseFreeText(q.FreeText), Sort: sort, Start: q.Start, Size: size}, nil
}
