package pebble

import (
	"bytes"
	"math"
	"testing"
)

// TestInt64KeysSortNumerically checks that byte order of encoded integers
// is numeric order, negatives included.
func TestInt64KeysSortNumerically(t *testing.T) {
	vals := []int64{math.MinInt64, -1 << 32, -256, -1, 0, 1, 255, 256, 1 << 32, 1_700_000_000_000, math.MaxInt64}
	for i := 1; i < len(vals); i++ {
		a, b := appendInt64(nil, vals[i-1]), appendInt64(nil, vals[i])
		if bytes.Compare(a, b) >= 0 {
			t.Errorf("key(%d) = %x >= key(%d) = %x", vals[i-1], a, vals[i], b)
		}
		if got := decodeInt64(b); got != vals[i] {
			t.Errorf("decode(encode(%d)) = %d", vals[i], got)
		}
	}
}

func TestTimerKeyRoundTrip(t *testing.T) {
	k := timerKey(nil, 258, 1234, "wf-1")
	p := timerPrefix(nil, 258)
	if !bytes.HasPrefix(k, p) {
		t.Fatalf("timer key %x lacks prefix %x", k, p)
	}
	at, wf, ok := decodeTimerKey(k[len(p):])
	if !ok || at != 1234 || wf != "wf-1" {
		t.Errorf("decodeTimerKey = %d, %q, %v", at, wf, ok)
	}
}

func TestPrefixEnd(t *testing.T) {
	for _, c := range []struct{ in, want []byte }{
		{[]byte("e/w\x00"), []byte("e/w\x01")},
		{[]byte("a\xff"), []byte("b")},
		{[]byte("\xff\xff"), nil},
	} {
		if got := prefixEnd(c.in); !bytes.Equal(got, c.want) {
			t.Errorf("prefixEnd(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
