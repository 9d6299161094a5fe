package query

import (
	"slices"
	"strings"
)

// Type is a field's type, which decides the values it takes and how each
// operator translates.
type Type int

// The field types, after Elasticsearch's mapping types.
const (
	Keyword Type = iota // exact strings: ids, names, enums
	Text                // analyzed text: = is a phrase match
	Date                // epoch ms; ISO 8601 accepted in queries
	Long
	Int
	Bool
)

// Field is one searchable field.
type Field struct {
	Name     string // as queries and sorts name it (Conductor's)
	Column   string // SQLite column
	ESField  string // Elasticsearch field
	Type     Type
	Sortable bool
	// EmptyIsNull: "" is stored for "none" (Conductor's parentWorkflowId),
	// so IS NULL also matches "" and IS NOT NULL does not.
	EmptyIsNull bool
}

// Schema is the set of fields one kind of summary is searched by.
type Schema struct {
	fields map[string]Field
	names  []string // sorted, for error messages
	// ID is the id field: it breaks sort ties.
	ID Field
	// DefaultSort is the sort of an empty sort parameter.
	DefaultSort []SortKey
}

// NewSchema builds a schema. id names the id field among fields;
// defaultSort is the sort of an empty sort parameter, without the id.
func NewSchema(fields []Field, id string, defaultSort []SortKey) *Schema {
	s := &Schema{fields: make(map[string]Field, len(fields))}
	for _, f := range fields {
		s.fields[f.Name] = f
		s.names = append(s.names, f.Name)
	}
	slices.Sort(s.names)
	s.ID = s.fields[id]
	s.DefaultSort = defaultSort
	return s
}

// Field looks a field up by its query name.
func (s *Schema) Field(name string) (Field, bool) {
	f, ok := s.fields[name]
	return f, ok
}

// Fields lists the fields by name.
func (s *Schema) Fields() []Field {
	out := make([]Field, len(s.names))
	for i, n := range s.names {
		out[i] = s.fields[n]
	}
	return out
}

func (s *Schema) validNames(keep func(Field) bool) string {
	var out []string
	for _, n := range s.names {
		if keep(s.fields[n]) {
			out = append(out, n)
		}
	}
	return strings.Join(out, ", ")
}
