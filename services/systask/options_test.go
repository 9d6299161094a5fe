package systask

import (
	"errors"
	"testing"

	"github.com/legatohq/legato/services/history"
	"github.com/legatohq/legato/services/matching"
)

// TestOptionsValidate: New names the bad field and its value. Validate
// only looks at the fields, so the services are zero values never used.
func TestOptionsValidate(t *testing.T) {
	ok := Options{Matching: &matching.Service{}, History: &history.Service{}}
	for _, c := range []struct {
		edit func(*Options)
		want string
	}{
		{func(o *Options) { o.Matching = nil }, "systask: invalid options: Options.Matching is nil, want a Matching"},
		{func(o *Options) { o.History = nil }, "systask: invalid options: Options.History is nil, want a History"},
		{func(o *Options) { o.Pollers = -1 }, "systask: invalid options: Options.Pollers is -1, want >= 1"},
		{func(o *Options) { o.Pollers, o.Concurrency = 4, 3 }, "systask: invalid options: Options.Concurrency is 3, want >= Pollers (4)"},
		{func(o *Options) { o.PollTimeout = -1 }, "systask: invalid options: Options.PollTimeout is -1ns, want >= 0"},
	} {
		o := ok
		c.edit(&o)
		_, err := New(o)
		if !errors.Is(err, ErrInvalidOptions) || err.Error() != c.want {
			t.Errorf("New: %v, want %q", err, c.want)
		}
	}
	if _, err := New(ok); err != nil {
		t.Fatalf("New with defaults: %v", err)
	}
}
