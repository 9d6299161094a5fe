package expr

import (
	"encoding/json"
	"math"
	"testing"
)

func TestTruthy(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want bool
	}{
		{true, true},
		{false, false},
		{nil, false},
		{int64(1), true},
		{int64(0), false},
		{int64(-1), false},
		{1, true},
		{0.5, true},
		{0.0, false},
		{-0.5, false},
		{math.NaN(), false},
		{math.Inf(1), true},
		{uint8(2), true},
		{json.Number("3"), true},
		{json.Number("0"), false},
		{"true", false},
		{"1", false},
		{[]any{1}, false},
		{map[string]any{}, false},
	} {
		if got := Truthy(tc.v); got != tc.want {
			t.Errorf("Truthy(%#v) = %v, want %v", tc.v, got, tc.want)
		}
	}
}
