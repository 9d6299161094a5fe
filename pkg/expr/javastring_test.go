package expr

import (
	"encoding/json"
	"math"
	"testing"
)

func TestJavaString(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"nil", nil, "null"},
		{"string", "abc", "abc"},
		{"true", true, "true"},
		{"false", false, "false"},
		{"integral float", 5.0, "5"},
		{"negative integral float", -42.0, "-42"},
		{"zero", 0.0, "0"},
		{"negative zero", math.Copysign(0, -1), "0"},
		{"big integral float", 12345678901.0, "12345678901"},
		{"huge integral float", 1e21, "1000000000000000000000"},
		{"fraction", 3.25, "3.25"},
		{"negative fraction", -0.5, "-0.5"},
		{"small", 0.001, "0.001"},
		{"smaller", 0.00012, "1.2E-4"},
		{"tiny", 1e-10, "1.0E-10"},
		{"large fraction", 12345678.5, "1.23456785E7"},
		{"nan", math.NaN(), "NaN"},
		{"inf", math.Inf(1), "Infinity"},
		{"-inf", math.Inf(-1), "-Infinity"},
		{"float32", float32(1.5), "1.5"},
		{"int", 7, "7"},
		{"int64", int64(-8), "-8"},
		{"uint8", uint8(9), "9"},
		{"json.Number", json.Number("1.50"), "1.50"},
		{"empty map", map[string]any{}, "{}"},
		{"map sorted", map[string]any{"b": 1.0, "a": "x", "c": nil}, "{a=x, b=1, c=null}"},
		{"empty list", []any{}, "[]"},
		{"list", []any{1.0, "a", nil, true, 2.5}, "[1, a, null, true, 2.5]"},
		{"nested", map[string]any{"l": []any{map[string]any{"k": "v"}}, "m": map[string]any{}}, "{l=[{k=v}], m={}}"},
		{"string slice", []string{"a", "b"}, "[a, b]"},
		{"string map", map[string]string{"y": "1", "x": "2"}, "{x=2, y=1}"},
		{"nil string slice", []string(nil), "null"},
		{"pointer", func() any { s := "p"; return &s }(), "p"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := javaString(tt.in); got != tt.want {
				t.Fatalf("javaString(%#v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
