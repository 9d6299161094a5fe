package frontend

import (
	"errors"
	"testing"
)

// TestOptionsValidate: New names the bad field and its value.
func TestOptionsValidate(t *testing.T) {
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{MaxBodyBytes: -1}, "frontend: invalid options: Options.MaxBodyBytes is -1, want >= 0"},
		{Options{MaxPollTimeout: -1}, "frontend: invalid options: Options.MaxPollTimeout is -1ns, want >= 0"},
	} {
		_, err := New(c.o)
		if !errors.Is(err, ErrInvalidOptions) || err.Error() != c.want {
			t.Errorf("New(%+v): %v, want %q", c.o, err, c.want)
		}
	}
	if _, err := New(Options{}); err != nil {
		t.Fatalf("New with defaults: %v", err)
	}
}
