package visibilitytest

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/legatohq/legato/pkg/visibility"
)

// AnalyticsStore is a backend with analytics.
type AnalyticsStore interface {
	visibility.Store
	visibility.Analytics
}

// Percentiles says how exactly a backend computes percentiles.
type Percentiles int

const (
	// NearestRank backends (SQLite) must return the corpus's nearest-rank
	// percentiles exactly.
	NearestRank Percentiles = iota
	// Approximate backends (Elasticsearch, whose percentiles come from a
	// TDigest that interpolates between values) are checked only to
	// return, per group, percentiles that lie within the group's range
	// and do not decrease as p grows; every other number is exact.
	Approximate
)

// RunAnalytics runs the analytics contract as subtests of t: it applies
// analyticsCorpus to one store from open (see Run) and checks every
// case's exact numbers, percentiles as p says.
func RunAnalytics(t *testing.T, open func(t *testing.T) AnalyticsStore, p Percentiles) {
	t.Helper()
	s := open(t)
	apply(t, s, analyticsCorpus())
	for _, c := range analyticsCases() {
		t.Run(c.name, func(t *testing.T) { c.check(t, s, p) })
	}
}

// analyticsCase is one analytics call and its answer, or (err non-empty)
// an error wrapping ErrInvalidQuery that mentions err.
type analyticsCase struct {
	name string
	run  func(ctx context.Context, a visibility.Analytics) (any, error)
	want any
	err  string
}

func (c analyticsCase) check(t *testing.T, a visibility.Analytics, p Percentiles) {
	t.Helper()
	got, err := c.run(context.Background(), a)
	if c.err != "" {
		if !errors.Is(err, visibility.ErrInvalidQuery) || !strings.Contains(err.Error(), c.err) {
			t.Fatalf("err = %v, want ErrInvalidQuery mentioning %q", err, c.err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := got.(*visibility.Durations); ok && p == Approximate {
		checkApproximate(t, d)
		got, c.want = withoutPercentiles(d), withoutPercentiles(c.want.(*visibility.Durations))
	}
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(c.want)
	if string(g) != string(w) {
		t.Errorf("\n got %s\nwant %s", g, w)
	}
}

// checkApproximate checks that each group's percentiles lie in
// [0, MaxMs] and do not decrease as p grows.
func checkApproximate(t *testing.T, d *visibility.Durations) {
	t.Helper()
	for _, g := range d.Groups {
		ps := make([]int, 0, len(g.Percentiles))
		for k := range g.Percentiles {
			p, _ := strconv.Atoi(k)
			ps = append(ps, p)
		}
		slices.Sort(ps)
		prev := int64(0)
		for _, p := range ps {
			v := g.Percentiles[strconv.Itoa(p)]
			if v < prev || v > g.MaxMs {
				t.Errorf("group %s: p%d = %d, not in [%d, %d]", g.Key, p, v, prev, g.MaxMs)
			}
			prev = v
		}
	}
}

func withoutPercentiles(d *visibility.Durations) *visibility.Durations {
	out := &visibility.Durations{Groups: slices.Clone(d.Groups)}
	for i := range out.Groups {
		out.Groups[i].Percentiles = nil
	}
	return out
}
