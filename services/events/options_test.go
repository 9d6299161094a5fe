package events_test

import (
	"errors"
	"testing"

	"github.com/cockroachdb/pebble/vfs"

	"github.com/legatohq/legato/pkg/persistence/pebble"
	"github.com/legatohq/legato/pkg/script"
	"github.com/legatohq/legato/services/events"
	"github.com/legatohq/legato/services/history"
)

// TestOptionsValidate: New names the bad field and its value. Validate
// only looks at the fields, so history is a zero Service never started.
func TestOptionsValidate(t *testing.T) {
	store, err := pebble.Open(pebble.Options{Dir: "db", FS: vfs.NewMem()})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	js, err := script.New(script.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	ok := events.Options{Meta: store, History: &history.Service{}, Scripts: js}
	for _, c := range []struct {
		edit func(*events.Options)
		want string
	}{
		{func(o *events.Options) { o.Meta = nil }, "events: invalid options: Options.Meta is nil, want a store"},
		{func(o *events.Options) { o.History = nil }, "events: invalid options: Options.History is nil, want a History"},
		{func(o *events.Options) { o.Scripts = nil }, "events: invalid options: Options.Scripts is nil, want an evaluator"},
		{func(o *events.Options) { o.ReloadInterval = -1 }, "events: invalid options: Options.ReloadInterval is -1ns, want >= 0"},
	} {
		o := ok
		c.edit(&o)
		_, err := events.New(o)
		if !errors.Is(err, events.ErrInvalidOptions) || err.Error() != c.want {
			t.Errorf("New: %v, want %q", err, c.want)
		}
	}
	if _, err := events.New(ok); err != nil {
		t.Fatalf("New with defaults: %v", err)
	}
}
