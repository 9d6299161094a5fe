package history

import (
	"errors"
	"testing"
)

// TestOptionsValidate: New names the bad field and its value.
func TestOptionsValidate(t *testing.T) {
	store := memStore(t)
	ok := Options{Exec: store, Meta: store, Matching: &offers{}}
	for _, c := range []struct {
		edit func(*Options)
		want string
	}{
		{func(o *Options) { o.Exec = nil }, "history: invalid options: Options.Exec is nil, want a store"},
		{func(o *Options) { o.Meta = nil }, "history: invalid options: Options.Meta is nil, want a store"},
		{func(o *Options) { o.Matching = nil }, "history: invalid options: Options.Matching is nil, want a Matching"},
		{func(o *Options) { o.Shards = -1 }, "history: invalid options: Options.Shards is -1, want 1..65535"},
		{func(o *Options) { o.Shards = 65536 }, "history: invalid options: Options.Shards is 65536, want 1..65535"},
		{func(o *Options) { o.Retention = -1 }, "history: invalid options: Options.Retention is -1ns, want >= 0"},
		{func(o *Options) { o.MailboxSize = -1 }, "history: invalid options: Options.MailboxSize is -1, want >= 1"},
		{func(o *Options) { o.MaxRound = -1 }, "history: invalid options: Options.MaxRound is -1, want >= 1"},
		{func(o *Options) { o.CacheSize = -1 }, "history: invalid options: Options.CacheSize is -1, want >= 1"},
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
