package pebble

import (
	"fmt"
	"log/slog"
)

// slogLogger adapts a *slog.Logger to pebble's Logger interface.
type slogLogger struct{ l *slog.Logger }

func (s slogLogger) Infof(format string, args ...any) {
	s.l.Info(fmt.Sprintf(format, args...), "component", "pebble")
}

// Fatalf is called by pebble on a broken invariant and must not return;
// panicking (instead of pebble's default os.Exit) lets the process owner
// decide, and lets tests see it.
func (s slogLogger) Fatalf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.l.Error(msg, "component", "pebble")
	panic("persistence/pebble: fatal: " + msg)
}
