package decider

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]int64{
		"0s": 0, "2s": 2, "1m 30s": 90, "2d 3h 10m 5s": 184205, "1 day 2 hours 3 minutes 4 seconds": 93784,
		"3 days": 259200, "1hr": 3600, "2 hrs 1 min": 7260, "10 secs": 10, "1D2H": 93600, " 5m ": 300, "1h1s": 3601,
	} {
		got, err := parseDuration(in)
		if err != nil || got != want {
			t.Errorf("parseDuration(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"soon", "5", "1s 1m", "1m1m", "-5s", "1.5s", "1w", "99999999999999999999s"} {
		if got, err := parseDuration(in); err == nil {
			t.Errorf("parseDuration(%q) = %d, want an error", in, got)
		}
	}
}

func TestParseUntil(t *testing.T) {
	ms := func(s string) int64 {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UnixMilli()
	}
	for in, want := range map[string]int64{
		"2030-01-02 03:04":           ms("2030-01-02T03:04:00Z"),
		"2030-1-2 3:04":              ms("2030-01-02T03:04:00Z"),
		"2030-01-02":                 ms("2030-01-02T00:00:00Z"),
		"2030-01-02 03:04 UTC":       ms("2030-01-02T03:04:00Z"),
		"2030-01-02 03:04 GMT":       ms("2030-01-02T03:04:00Z"),
		"2030-01-02 03:04 Z":         ms("2030-01-02T03:04:00Z"),
		"2030-01-02 03:04 +05:30":    ms("2030-01-02T03:04:00+05:30"),
		"2030-01-02 03:04 -0800":     ms("2030-01-02T03:04:00-08:00"),
		"2030-01-02 03:04 GMT+2":     ms("2030-01-02T03:04:00+02:00"),
		"2030-01-02 03:04 UTC-03:00": ms("2030-01-02T03:04:00-03:00"),
	} {
		got, err := parseUntil(in)
		if err != nil || got != want {
			t.Errorf("parseUntil(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"tomorrow", "2030-13-01", "2030-01-02 25:00", "2030-01-02 03:04 PST",
		"2030-01-02 03:04 +25", "2030-01-02 03:04 +-5", "2030-01-02 03:04 +05:99", "2030-01-02T03:04:00Z"} {
		if got, err := parseUntil(in); err == nil {
			t.Errorf("parseUntil(%q) = %d, want an error", in, got)
		}
	}
}

func FuzzParseWait(f *testing.F) {
	for _, s := range []string{"1m 30s", "2d 3h 10m 5s", "2030-01-02 03:04 +05:30", "soon", "1 day"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := parseDuration(s); err == nil && (d < 0 || d > maxWaitSeconds) {
			t.Fatalf("parseDuration(%q) = %d", s, d)
		}
		parseUntil(s)
	})
}
