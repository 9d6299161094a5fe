package visibility

import (
	"errors"
	"testing"
	"time"
)

func TestParseInterval(t *testing.T) {
	for in, want := range map[string]time.Duration{"1s": time.Second, "15m": 15 * time.Minute, "1h": time.Hour, "2d": 48 * time.Hour} {
		if got, err := ParseInterval(in); err != nil || got != want {
			t.Errorf("%q: %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "h", "0h", "-1h", "+1h", "1.5h", "1w", "1H", "60", "1000001s", " 1h"} {
		if _, err := ParseInterval(in); !errors.Is(err, ErrInvalidQuery) {
			t.Errorf("%q: %v, want ErrInvalidQuery", in, err)
		}
	}
}

func TestNewHistogramCap(t *testing.T) {
	q := HistogramQuery{Interval: "1s"}
	if _, err := NewHistogram(q, map[int64]map[string]int64{0: {}, MaxBuckets * 1000: {}}); !errors.Is(err, ErrInvalidQuery) {
		t.Errorf("%d+1 buckets: %v, want ErrInvalidQuery", MaxBuckets, err)
	}
	h, err := NewHistogram(q, map[int64]map[string]int64{0: {}, (MaxBuckets - 1) * 1000: {"a": 1}})
	if err != nil || len(h.Buckets) != MaxBuckets || h.Buckets[MaxBuckets-1].Counts["a"] != 1 {
		t.Errorf("%d buckets: %v", MaxBuckets, err)
	}
}
