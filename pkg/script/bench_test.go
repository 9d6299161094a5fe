package script

import "testing"

func benchInput() map[string]any {
	return map[string]any{
		"amount": 150.0,
		"items": []any{
			map[string]any{"id": "a", "amount": 50.0},
			map[string]any{"id": "b", "amount": 250.0},
		},
	}
}

func BenchmarkJS(b *testing.B) {
	e := newEvaluator(b, Limits{})
	in := benchInput()
	b.ReportAllocs()
	for b.Loop() {
		v, err := e.JS("$.amount > 100 ? 'big' : 'small'", in)
		if err != nil || v != "big" {
			b.Fatal(v, err)
		}
	}
}

func BenchmarkJSParallel(b *testing.B) {
	e := newEvaluator(b, Limits{})
	in := benchInput()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := e.JS("$.amount > 100 ? 'big' : 'small'", in); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkLambda(b *testing.B) {
	e := newEvaluator(b, Limits{})
	in := benchInput()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Lambda("return $.items.filter(i => i.amount > 100).map(i => i.id)", in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJQ(b *testing.B) {
	e := newEvaluator(b, Limits{})
	in := benchInput()
	b.ReportAllocs()
	for b.Loop() {
		r, err := e.JQ("[.items[] | select(.amount > 100) | .id]", in)
		if err != nil || len(r) != 1 {
			b.Fatal(r, err)
		}
	}
}
