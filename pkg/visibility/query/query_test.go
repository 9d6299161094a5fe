package query

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/cockroachdb/datadriven"

	"github.com/legatohq/legato/pkg/visibility"
)

// TestGolden runs testdata/*.txt; go test -rewrite accepts new output.
//
//	parse                  the query's String(), or the error
//	bind schema=…          the bound query's String(), or the error
//	sql schema=…           ToSQL's where and args, or the Bind error
//	es schema=…            ToES's JSON, or the Bind error
//	sort schema=…          ParseSort's keys, OrderBy and ESSort
//	freetext               ParseFreeText's terms, one a line
func TestGolden(t *testing.T) {
	datadriven.Walk(t, "testdata", func(t *testing.T, path string) {
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			out, err := golden(t, d)
			if err != nil {
				if !errors.Is(err, visibility.ErrInvalidQuery) {
					t.Errorf("%s: error %v does not wrap ErrInvalidQuery", d.Pos, err)
				}
				return "error: " + err.Error() + "\n"
			}
			return out
		})
	})
}

func golden(t *testing.T, d *datadriven.TestData) (string, error) {
	s := Workflows()
	if d.HasArg("schema") {
		var name string
		d.ScanArgs(t, "schema", &name)
		if name == "tasks" {
			s = Tasks()
		}
	}
	input := strings.TrimSpace(d.Input)
	switch d.Cmd {
	case "freetext":
		terms := ParseFreeText(input)
		if len(terms) == 0 {
			return "(none)\n", nil
		}
		return strings.Join(terms, "\n") + "\n", nil
	case "sort":
		keys, err := ParseSort(input, s)
		if err != nil {
			return "", err
		}
		es, _ := json.Marshal(ESSort(keys, s))
		return fmt.Sprintf("%v\n%s\n%s\n", keys, OrderBy(keys, s), es), nil
	}
	e, err := Parse(input)
	if err != nil {
		return "", err
	}
	if d.Cmd == "parse" {
		return fmt.Sprintf("%v\n", e), nil
	}
	if e, err = Bind(e, s); err != nil {
		return "", err
	}
	switch d.Cmd {
	case "bind":
		return fmt.Sprintf("%v\n", e), nil
	case "sql":
		where, args := ToSQL(e, s)
		return fmt.Sprintf("%s\n%#v\n", where, args), nil
	case "es":
		b, err := json.MarshalIndent(ToES(e, s), "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		return string(b) + "\n", nil
	}
	t.Fatalf("%s: unknown command %q", d.Pos, d.Cmd)
	return "", nil
}

// FuzzParse: Parse never panics, fails only with ErrInvalidQuery, and
// what it reads prints back to a query that parses to the same Expr.
// The seeds run in every go test.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		``, `status=RUNNING`, `workflowType IN (a,b) AND startTime>1700000000000`,
		`(a = 1 OR b != "x y") AND c IS NOT NULL`, `a BETWEEN 1 AND 2 OR b STARTS_WITH 'p\'q'`,
		`a NOT IN ("AND", 'OR') AND b <= -1.5e3`, `a = "" OR b IS null`, `((a=1))`,
		`a="\\\"" AND b=*x*`, `a=1 AND (b=2 OR c=3) AND d=4`, `x = 'unterminated`, `a !b`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, q string) {
		e, err := Parse(q)
		if err != nil {
			var se *SyntaxError
			if !errors.Is(err, visibility.ErrInvalidQuery) || !errors.As(err, &se) || se.Pos < 0 || se.Pos > len(q) {
				t.Fatalf("Parse(%q): %v", q, err)
			}
			return
		}
		if e == nil {
			return
		}
		back, err := Parse(e.String())
		if err != nil || !reflect.DeepEqual(back, e) {
			t.Fatalf("Parse(%q).String() = %q, which parses to %v, %v", q, e.String(), back, err)
		}
	})
}
