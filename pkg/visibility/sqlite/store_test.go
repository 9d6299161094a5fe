package sqlite

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"

	"github.com/legatohq/legato/pkg/visibility"
	"github.com/legatohq/legato/pkg/visibility/query"
	"github.com/legatohq/legato/pkg/visibility/visibilitytest"
)

// database/sql runs a goroutine per pool: Close must stop them.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func open(t *testing.T) *Store {
	t.Helper()
	s, err := Open(Options{Path: filepath.Join(t.TempDir(), "visibility.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func TestContract(t *testing.T) {
	visibilitytest.Run(t, func(t *testing.T) visibility.Store { return open(t) })
}

func TestAnalyticsContract(t *testing.T) {
	visibilitytest.RunAnalytics(t, func(t *testing.T) visibilitytest.AnalyticsStore { return open(t) }, visibilitytest.NearestRank)
}

// TestSchemaColumns: every column the query schemas name exists, so no
// search fails at run time on a misspelt column.
func TestSchemaColumns(t *testing.T) {
	s := open(t)
	for table, schema := range map[string]*query.Schema{workflows.name: workflows.schema, tasks.name: tasks.schema} {
		for _, f := range schema.Fields() {
			if _, err := s.r.Exec("SELECT " + f.Column + " FROM " + table + " LIMIT 0"); err != nil {
				t.Errorf("%s.%s: %v", table, f.Column, err)
			}
		}
	}
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.db")
	s, err := Open(Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Apply(context.Background(), &visibility.Batch{Removed: []string{"x"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// A second Open finds the schema applied and does not apply it again.
	s, err = Open(Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestOptionsValidate(t *testing.T) {
	if _, err := Open(Options{}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("Open without Path: %v, want ErrInvalidOptions", err)
	}
	if _, err := Open(Options{Path: "x", ReadConns: -1}); !errors.Is(err, ErrInvalidOptions) {
		t.Errorf("Open with ReadConns -1: %v, want ErrInvalidOptions", err)
	}
}
